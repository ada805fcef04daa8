// Classroom pages, progressive enhancement only: without JS the dashboard is reloaded by hand and
// the educator key is pasted into the claim form.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Claim form: the printed educator link carries the key after "#", which never reaches the server.
  var keyField = document.getElementById("key");
  if (keyField && window.location.hash.length > 1) {
    keyField.value = decodeURIComponent(window.location.hash.slice(1));
    history.replaceState(null, "", window.location.pathname);  // drop the key from the address bar
  }

  // Dashboard and projector: poll live.json and swap the panel when the class's answers changed.
  var live = document.querySelector("[data-live]");
  if (!live) { return; }
  var signature = live.getAttribute("data-signature");
  var url = live.getAttribute("data-live");
  var delay = 3000;
  function poll() {
    var sep = url.indexOf("?") < 0 ? "?" : "&";
    fetch(url + sep + "since=" + encodeURIComponent(signature), {credentials: "same-origin",
                                                                  headers: {"Accept": "application/json"}})
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (data) {
        if (data && data.changed) {
          signature = data.signature;
          live.innerHTML = data.html;  // server-rendered, escaped by Jinja
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, delay);
});
