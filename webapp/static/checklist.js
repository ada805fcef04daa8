// The checklist form, progressive enhancement only: the result so far, kept up to date as findings
// are ticked (the compact answer of POST /api/v1/assess, names from GET /api/v1/knowledge). Without
// this file the form works the same; its sticky bar counts what was entered.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.checklist");
  var box = document.getElementById("live-summary");
  if (!form || !box || !window.fetch) { return; }
  var line = document.getElementById("live-line");
  var lean = document.getElementById("live-lean"), flag = document.getElementById("live-flag");
  var entriesBox = document.getElementById("live-entries-box"), entries = document.getElementById("live-entries");
  var knowledge = null, timer = null, asked = 0;

  function percent(p) {  // as the result page words it: no false precision
    if (p < 0.01) { return "< 1 %"; }
    if (p > 0.99) { return "> 99 %"; }
    return Math.round(100 * p) + " %";
  }

  function body() {
    var findings = {};
    form.querySelectorAll("fieldset.finding input[type=radio]:checked").forEach(function (input) {
      if (input.value !== "unknown") { findings[input.name] = input.value; }
    });
    [["other_present", "present"], ["other_absent", "absent"]].forEach(function (pair) {
      var field = form.elements[pair[0]];
      (field && field.value ? field.value.split(",") : []).forEach(function (id) { if (id) { findings[id] = pair[1]; } });
    });
    return {findings: findings, onset: form.elements.onset.value, family_history: form.elements.family_history.value};
  }

  function show(answer) {
    lean.textContent = answer.inheritance.summary;
    var top = answer.entered && answer.red_flags.length ? answer.red_flags[0] : null;
    var flagInfo = top && knowledge.red_flags[top.id];
    flag.hidden = !flagInfo;
    flag.textContent = flagInfo ? "First red flag (" + top.level + "): " + flagInfo.title + "." : "";
    entries.textContent = "";
    var best = answer.entered ? answer.differential.slice(0, 3) : [];
    best.forEach(function (e) {
      var item = document.createElement("li"), info = knowledge.entries[e.id] || {name: e.id, genes: []};
      item.textContent = info.name + (info.genes.length ? " (" + info.genes.join(", ") + ")" : "") + ": " + percent(e.probability);
      entries.appendChild(item);
    });
    entriesBox.hidden = best.length === 0;
    if (line) {
      var parts = [answer.entered ? answer.inheritance.lean + (answer.inheritance.strength ? " (" + answer.inheritance.strength + ")" : "") : ""];
      if (flagInfo) { parts.push(flagInfo.title); }
      if (best.length) {
        var first = knowledge.entries[best[0].id] || {name: best[0].id, genes: []};
        parts.push((first.genes.length ? first.genes.join(", ") : first.name) + " " + percent(best[0].probability));
      }
      line.textContent = parts.filter(Boolean).join(" · ");
      line.hidden = !answer.entered;
    }
  }

  function ask() {
    var mine = ++asked;
    var send = function () {
      return fetch(box.getAttribute("data-api"), {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify(body())
      }).then(function (r) { return r.ok ? r.json() : null; });
    };
    var names = knowledge ? Promise.resolve(knowledge) : fetch(box.getAttribute("data-knowledge"), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; }).then(function (k) { knowledge = k; return k; });
    Promise.all([names, send()]).then(function (got) {
      if (mine === asked && got[0] && got[1]) { show(got[1]); }  // an older answer never overwrites a newer one
    }).catch(function () { /* offline: the form still works; the summary waits for the next change */ });
  }

  box.hidden = false;
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 120);
  });
  if (Object.keys(body().findings).length || form.elements.onset.value !== "unknown" || form.elements.family_history.value !== "unknown") {
    ask();  // a form opened with answers (a shared link, "Change the answers")
  }
});
