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

  // A student page waiting for the reveal: ask every few seconds, reload once it is revealed.
  var waiting = document.querySelector("[data-state]");
  if (waiting) {
    var stateUrl = waiting.getAttribute("data-state");
    var ask = function () {
      fetch(stateUrl, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (resp) { return resp.ok ? resp.json() : null; })
        .then(function (data) {
          if (data && data.revealed) { window.location.replace(window.location.pathname); return; }
          window.setTimeout(ask, pause());
        })
        .catch(function () { window.setTimeout(ask, pause()); });  // offline for a moment
    };
    // 4 to 7 s apart, at random: a room of phones does not ask all in the same instant.
    var pause = function () { return 4000 + Math.random() * 3000; };
    window.setTimeout(ask, pause());
  }

  // Dashboard and projector: poll live.json and swap the panel when the class's answers changed.
  // Conditional requests: while nothing changed the server answers 304 with no body.
  var live = document.querySelector("[data-live]");
  if (!live) { return; }
  var url = live.getAttribute("data-live");
  var etag = live.getAttribute("data-etag");  // the page was rendered from this state
  var delay = 2000;
  function poll() {
    var headers = {"Accept": "application/json"};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: headers})
      .then(function (resp) {
        if (resp.status === 304 || !resp.ok) { return null; }
        etag = resp.headers.get("ETag");
        return resp.json();
      })
      .then(function (data) {
        if (data && data.changed && data.html !== undefined) {
          live.innerHTML = data.html;  // server-rendered, escaped by Jinja
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, delay);
});
