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

  // Load `path` (the page itself, maybe with an anchor) again: a change of the anchor alone would
  // only scroll, so it is put in the address first and the page reloaded.
  function reloadAt(path) {
    window.history.scrollRestoration = "manual";  // to the anchor, not back where the page was
    window.history.replaceState(null, "", path);
    window.location.reload();
  }
  var landing = window.location.hash === "#feedback" && document.getElementById("feedback");
  if (landing) { landing.scrollIntoView(); }

  // A student's ticks, kept in this tab (sessionStorage) as they are made: a reload, a stage that
  // appears, or a refused answer never loses them. Put back into an untouched form of the same case.
  var pace = document.getElementById("pace");
  var ticksKey = pace && pace.getAttribute("data-ticks");
  var forms = document.querySelectorAll("form.attempt");
  var dirty = false;  // ticked since the page loaded, not yet committed
  if (ticksKey) {
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem(ticksKey) || "null"); } catch (e) { kept = null; }
    forms.forEach(function (form) {
      var untouched = !form.querySelector("input:checked");
      if (kept && untouched) {
        form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (box) {
          box.checked = (kept[box.name] || []).indexOf(box.value) >= 0;
        });
      }
      form.addEventListener("change", function () {
        var ticked = {};
        form.querySelectorAll("input:checked").forEach(function (box) {
          (ticked[box.name] = ticked[box.name] || []).push(box.value);
        });
        try { window.sessionStorage.setItem(ticksKey, JSON.stringify(ticked)); } catch (e) { /* storage full or off */ }
        dirty = true;
      });
      form.addEventListener("submit", function () { dirty = false; });
    });
  }

  // A live countdown from the seconds the server gave (the state poll sets it again when it changes).
  var countdown = document.getElementById("countdown");
  var endsAt = countdown ? Date.now() + 1000 * Number(countdown.getAttribute("data-seconds-left")) : null;
  function tick() {
    if (!countdown || endsAt === null) { return; }
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
  }
  if (countdown) { window.setInterval(tick, 1000); }
  // Seconds left of a short step (a phone pairing's code, its confirmation), counted down in place;
  // the page's poll replaces the element when the step changes.
  function countDown() {
    document.querySelectorAll("[data-count-seconds]").forEach(function (el) {
      if (!el.hasAttribute("data-count-ends")) {  // new on the page (loaded, or put in by the poll)
        el.setAttribute("data-count-ends", String(Date.now() + 1000 * Number(el.getAttribute("data-count-seconds"))));
      }
      el.textContent = String(Math.max(0, Math.round((Number(el.getAttribute("data-count-ends")) - Date.now()) / 1000)));
    });
  }
  countDown();
  window.setInterval(countDown, 1000);

  // A class the educator paces: follow its state (GET .../state, a 304 while nothing changed). A new
  // stage is put in place (the form and its ticks stay); a new case, the reveal or the end loads the
  // page again, on the feedback once revealed. A student with unsent ticks is not moved away: the
  // page says the case closed and how long an answer is still kept.
  if (pace) {
    var stateUrl = pace.getAttribute("data-state-url");
    var shown = {
      state: pace.getAttribute("data-phase"),
      case: pace.getAttribute("data-case"),
      stage: pace.getAttribute("data-stage"),
      revealed: pace.getAttribute("data-revealed") === "yes"
    };
    var stateTag = null;
    var holding = false;
    var home = window.location.pathname.replace(/\/\d+$/, "");
    var newStage = function () {
      fetch(window.location.pathname, {credentials: "same-origin", cache: "no-store"})
        .then(function (resp) { return resp.ok ? resp.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("#pace .vignette");
          var old = pace.querySelector(".vignette");
          if (fresh && old) { old.replaceWith(fresh); }
        });
    };
    var follow = function (data) {
      var moved = data.state !== shown.state || String(data.case || "") !== shown.case;
      if (moved || data.revealed !== shown.revealed) {
        if (dirty && shown.state === "running" && !holding) {
          holding = true;
          document.getElementById("moved").hidden = false;
          return;
        }
        if (!holding) { reloadAt(home + (data.revealed && !moved ? "#feedback" : "")); }
        return;
      }
      if (String(data.stage || "") !== shown.stage) {
        shown.stage = String(data.stage || "");
        newStage();
      }
      if (countdown && data.seconds_left !== null) { endsAt = Date.now() + 1000 * data.seconds_left; tick(); }
    };
    var ask = function () {
      var headers = {"Accept": "application/json"};
      if (stateTag) { headers["If-None-Match"] = stateTag; }
      fetch(stateUrl, {credentials: "same-origin", cache: "no-store", headers: headers})
        .then(function (resp) {
          if (resp.status === 304 || !resp.ok) { return null; }
          stateTag = resp.headers.get("ETag");
          return resp.json();
        })
        .then(function (data) { if (data) { follow(data); } })
        .catch(function () { /* offline for a moment: ask again */ })
        .then(function () { window.setTimeout(ask, interval()); });
    };
    // 1 to 2.5 s apart, at random: a room of phones does not ask all in the same instant, and the
    // reveal reaches the last phone within 3 s of the educator's click (the longest wait, plus the
    // answer's way back).
    var interval = function () { return 1000 + Math.random() * 1500; };
    window.setTimeout(ask, interval());
  }

  // A self-paced student page waiting for the reveal: ask every few seconds, go to the feedback once
  // it is revealed.
  var waiting = document.querySelector("[data-state]");
  if (waiting) {
    var waitUrl = waiting.getAttribute("data-state");
    var askReveal = function () {
      fetch(waitUrl, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (resp) { return resp.ok ? resp.json() : null; })
        .then(function (data) {
          if (data && data.revealed) { reloadAt(window.location.pathname + "#feedback"); return; }
          window.setTimeout(askReveal, pause());
        })
        .catch(function () { window.setTimeout(askReveal, pause()); });  // offline for a moment
    };
    // 4 to 7 s apart, at random: a room of phones does not ask all in the same instant.
    var pause = function () { return 4000 + Math.random() * 3000; };
    window.setTimeout(askReveal, pause());
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

  var timer = null;
  function schedule(ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, ms);
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
      .then(function () { schedule(delay); });
  }
  schedule(delay);

  // The educator's controls on the projector and the phone remote (forms .ctl): sent in the
  // background, then the screen is asked for at once, so it changes in place. A refusal (the form
  // expired, the class moved on elsewhere) is sent again as a plain form, to show its page.
  live.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("ctl")) { return; }
    event.preventDefault();
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"})
      .then(function (resp) {
        if (resp.type === "opaqueredirect" || resp.ok) { schedule(0); } else { form.submit(); }
      })
      .catch(function () { form.submit(); });
  });

  // The projector's keyboard shortcuts (the legend on its bar): S start, N or the right arrow next,
  // R reveal, P pair a phone; each presses the form that carries its key, if the screen has it.
  if (live.getAttribute("data-keys") === "projector") {
    document.addEventListener("keydown", function (event) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
      if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var key = event.key === "ArrowRight" ? "n" : event.key.toLowerCase();
      var form = live.querySelector('form.ctl[data-key="' + key + '"]');
      if (!form) { return; }
      event.preventDefault();
      form.requestSubmit();
    });
  }
});
