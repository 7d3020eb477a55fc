// Start GOV.UK Frontend's components (skip link, error summary focus, buttons).
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();
