// Clicking the body map picks a body site: it sets the site list (which works alone without
// JavaScript), records where in the site the click fell (u, v from 0 to 1, so the mark can be
// drawn on either outline) and shows a mark.
const frame = document.querySelector("[data-body-map]");
const svg = frame && frame.querySelector("svg");
const siteSelect = document.getElementById("site");
const uInput = document.getElementById("u");
const vInput = document.getElementById("v");

function placeMark(shape, x, y) {
  // Drawn in the view's own group, whose coordinates are the shape's (no transform of its own).
  const ns = "http://www.w3.org/2000/svg";
  const old = svg.querySelector(".sg-mark--new");
  if (old) old.remove();
  const mark = document.createElementNS(ns, "g");
  mark.setAttribute("class", "sg-mark sg-mark--new");
  const circle = document.createElementNS(ns, "circle");
  circle.setAttribute("cx", x.toFixed(1));
  circle.setAttribute("cy", y.toFixed(1));
  circle.setAttribute("r", "6");
  mark.appendChild(circle);
  shape.closest("g.sg-view").appendChild(mark);
}

function select(shape, event) {
  svg.querySelectorAll(".sg-site--selected").forEach((s) => s.classList.remove("sg-site--selected"));
  shape.classList.add("sg-site--selected");
  siteSelect.value = shape.dataset.site;
  const box = shape.getBBox();
  const point = svg.createSVGPoint();
  point.x = event.clientX;
  point.y = event.clientY;
  const local = point.matrixTransform(shape.getScreenCTM().inverse());
  const u = Math.min(Math.max((local.x - box.x) / box.width, 0), 1);
  const v = Math.min(Math.max((local.y - box.y) / box.height, 0), 1);
  uInput.value = u.toFixed(3);
  vInput.value = v.toFixed(3);
  placeMark(shape, local.x, local.y);
}

if (svg && siteSelect) {
  svg.querySelectorAll(".sg-site").forEach((shape) => {
    shape.addEventListener("click", (event) => select(shape, event));
  });
  // Choosing from the list moves the selection; the position is then the site's centre.
  siteSelect.addEventListener("change", () => {
    svg.querySelectorAll(".sg-site--selected").forEach((s) => s.classList.remove("sg-site--selected"));
    const shape = svg.querySelector(`.sg-site[data-site="${CSS.escape(siteSelect.value)}"]`);
    if (shape) shape.classList.add("sg-site--selected");
    uInput.value = "";
    vInput.value = "";
    const mark = svg.querySelector(".sg-mark--new");
    if (mark) mark.remove();
  });
}
