// Security keys (WebAuthn): run the ceremony the server prepared and post the answer back.
// The server's options are in <script type="application/json" id="webauthn-options">; the
// form's hidden "credential" field carries the browser's answer as JSON (base64url fields).

const b64urlToBuffer = (text) => {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
};

const bufferToB64url = (buffer) => {
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const descriptors = (list) => (list || []).map((c) => ({ ...c, id: b64urlToBuffer(c.id) }));

const serialise = (credential) => {
  const response = credential.response;
  const out = {
    id: credential.id,
    rawId: bufferToB64url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    response: { clientDataJSON: bufferToB64url(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    out.response.attestationObject = bufferToB64url(response.attestationObject);
    out.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    out.response.authenticatorData = bufferToB64url(response.authenticatorData);
    out.response.signature = bufferToB64url(response.signature);
    if (response.userHandle) out.response.userHandle = bufferToB64url(response.userHandle);
  }
  return out;
};

const start = async (form) => {
  const data = JSON.parse(document.getElementById("webauthn-options").textContent);
  const status = document.getElementById("security-key-status");
  try {
    let credential;
    if (form.dataset.ceremony === "register") {
      credential = await navigator.credentials.create({
        publicKey: {
          ...data,
          challenge: b64urlToBuffer(data.challenge),
          user: { ...data.user, id: b64urlToBuffer(data.user.id) },
          excludeCredentials: descriptors(data.excludeCredentials),
        },
      });
    } else {
      credential = await navigator.credentials.get({
        publicKey: {
          ...data,
          challenge: b64urlToBuffer(data.challenge),
          allowCredentials: descriptors(data.allowCredentials),
        },
      });
    }
    form.querySelector("input[name=credential]").value = JSON.stringify(serialise(credential));
    form.submit();
  } catch (error) {
    if (status) status.textContent = "Your security key did not respond. Try again.";
  }
};

for (const form of document.querySelectorAll("form[data-ceremony]")) {
  const button = form.querySelector("button");
  button.hidden = false;
  form.addEventListener("submit", (event) => {
    if (!form.querySelector("input[name=credential]").value) {
      event.preventDefault();
      start(form);
    }
  });
}
