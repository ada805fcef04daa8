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
  // Conditional requests: while nothing changed the server answers 304 with no body. The dashboard
  // also says which version of its panel it shows (`have`), and gets only the parts that changed.
  var live = document.querySelector("[data-live]");
  if (!live) { return; }
  var url = live.getAttribute("data-live");
  var etag = live.getAttribute("data-etag");  // the page was rendered from this state
  var version = live.getAttribute("data-version");  // the digests of the dashboard's parts shown
  var delay = 2000;

  // Put one piece of server-rendered HTML (escaped by Jinja) in place of the element it replaces.
  function replaceElement(id, html) {
    var old = document.getElementById(id);
    if (!old) { return false; }
    old.outerHTML = html;  // parsed in its parent's context: an SVG column stays SVG
    return true;
  }

  // A student's row: replaced, or (a new student) put before the row that follows it.
  function placeRow(list, row) {
    if (replaceElement(row.id, row.html)) { return true; }
    var next = row.before ? document.getElementById(row.before) : null;
    if (row.before && !next) { return false; }
    var holder = document.createElement("ul");
    holder.innerHTML = row.html;
    list.insertBefore(holder.firstElementChild, next);
    return true;
  }

  // The changed parts of the dashboard; false when the page lacks one they refer to.
  function applyDelta(data) {
    var ids = Object.keys(data.replace || {});
    for (var i = 0; i < ids.length; i++) {
      if (!replaceElement(ids[i], data.replace[ids[i]])) { return false; }
    }
    var rows = data.rows || [];
    var list = document.querySelector("#live-students ul");
    if (rows.length && !list) { return false; }
    for (var j = rows.length - 1; j >= 0; j--) {  // from the last: the row a new one goes before is there
      if (!placeRow(list, rows[j])) { return false; }
    }
    return true;
  }

  function apply(data, newEtag) {
    if (!data || !data.changed) { return; }
    if (data.html !== undefined) {
      live.innerHTML = data.html;
    } else if (!applyDelta(data)) {
      etag = version = null;  // out of step: the next poll asks for the whole panel
      return;
    }
    etag = newEtag;
    if (data.version) { version = data.version; }
  }

  function poll() {
    var headers = {"Accept": "application/json"};
    if (etag) { headers["If-None-Match"] = etag; }
    var target = version ? url + (url.indexOf("?") < 0 ? "?" : "&") + "have=" + encodeURIComponent(version) : url;
    var newEtag = null;
    fetch(target, {credentials: "same-origin", cache: "no-store", headers: headers})
      .then(function (resp) {
        if (resp.status === 304 || !resp.ok) { return null; }
        newEtag = resp.headers.get("ETag");
        return resp.json();
      })
      .then(function (data) { apply(data, newEtag); })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, delay);
});
