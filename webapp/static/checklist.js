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
  var words = JSON.parse(box.getAttribute("data-words") || "{}");
  function say(key, values) {  // a sentence in the page's language, its {slots} filled in
    return (words[key] || key).replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  function percent(p) {  // as the result page words it: no false precision
    if (p < 0.01) { return "< 1 %"; }
    if (p > 0.99) { return "> 99 %"; }
    return Math.round(100 * p) + " %";
  }

  function body() {
    var findings = {};
    form.querySelectorAll("fieldset.finding input[type=radio]:checked").forEach(function (input) {
      // the checklist's items; the terms added come from the hidden fields below
      if (input.value !== "unknown" && input.name.indexOf("state:") !== 0) { findings[input.name] = input.value; }
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
    flag.textContent = flagInfo ? say("first_flag", {level: top.level, title: flagInfo.title}) : "";
    entries.textContent = "";
    var best = answer.entered ? answer.differential.slice(0, 3) : [];
    best.forEach(function (e) {
      var item = document.createElement("li"), info = knowledge.entries[e.id] || {name: e.id, genes: []};
      item.textContent = info.name + (info.genes.length ? " (" + info.genes.join(", ") + ")" : "") + ": " + percent(e.probability);
      entries.appendChild(item);
    });
    entriesBox.hidden = best.length === 0;
    if (line) {
      var inh = answer.inheritance;
      var parts = [answer.entered ? say(inh.lean, {}) + (inh.strength ? " (" + say(inh.strength, {}) + ")" : "") : ""];
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

  // Any HPO term: the search box as a combobox (WAI-ARIA 1.2 pattern: a list that pops up as one
  // types, arrows to move, Enter to pick, Escape to close), the terms added kept in the hidden fields.
  var query = document.getElementById("term_query"), added = document.getElementById("added-terms");
  var status = document.getElementById("term-status");
  function syncTerms() {
    var present = [], absent = [];
    added.querySelectorAll("fieldset[data-term]").forEach(function (set) {
      var checked = set.querySelector("input:checked");
      (checked && checked.value === "absent" ? absent : present).push(set.getAttribute("data-term"));
    });
    form.elements.other_present.value = present.join(",");
    form.elements.other_absent.value = absent.join(",");
    added.hidden = present.length + absent.length === 0;
  }
  function addTerm(hit) {
    if (hit.finding) {  // one of the checklist's items: tick it
      var radio = form.querySelector('input[name="' + hit.finding + '"][value="present"]');
      if (radio) {
        radio.checked = true;
        var legend = radio.closest("fieldset").querySelector("legend");
        status.textContent = say("marked_present", {label: legend ? legend.firstChild.textContent.trim() : hit.label, id: hit.id});
        form.dispatchEvent(new Event("change"));
        return;
      }
    }
    if (added.querySelector('fieldset[data-term="' + hit.id + '"]')) {
      status.textContent = say("already", {label: hit.label, id: hit.id});
      return;
    }
    var item = document.createElement("li"), set = document.createElement("fieldset"), legend = document.createElement("legend");
    set.className = "finding added-term";
    set.setAttribute("data-term", hit.id);
    legend.textContent = hit.label + " ";
    var id = document.createElement("span");
    id.className = "hpo"; id.setAttribute("aria-hidden", "true"); id.textContent = hit.id;
    legend.appendChild(id);
    set.appendChild(legend);
    [["present", say("present", {})], ["absent", say("absent", {})]].forEach(function (pair) {
      var label = document.createElement("label"), input = document.createElement("input");
      label.className = "st st-" + pair[0];
      input.type = "radio"; input.name = "state:" + hit.id; input.value = pair[0]; input.checked = pair[0] === "present";
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + pair[1]));
      set.appendChild(label);
    });
    var remove = document.createElement("button");
    remove.type = "submit"; remove.name = "remove_term"; remove.value = hit.id; remove.className = "remove-term";
    remove.setAttribute("formnovalidate", ""); remove.setAttribute("aria-label", say("remove_term", {term: hit.label}));
    remove.textContent = say("remove", {});
    set.appendChild(remove);
    item.appendChild(set);
    added.querySelector("ul").appendChild(item);
    syncTerms();
    status.textContent = say("added_present", {label: hit.label, id: hit.id});
    form.dispatchEvent(new Event("change"));
  }
  if (query && added && status) {
    var list = document.createElement("ul"), hits = [], active = -1, searchTimer = null, searched = 0;
    list.id = "term-options"; list.className = "term-options"; list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", say("options", {})); list.hidden = true;
    query.parentNode.appendChild(list);
    query.setAttribute("role", "combobox");
    query.setAttribute("aria-autocomplete", "list");
    query.setAttribute("aria-expanded", "false");
    query.setAttribute("aria-controls", "term-options");
    var close = function () {
      list.hidden = true; active = -1;
      query.setAttribute("aria-expanded", "false");
      query.removeAttribute("aria-activedescendant");
    };
    var mark = function (i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, k) { li.setAttribute("aria-selected", String(k === i)); });
      if (i >= 0) { query.setAttribute("aria-activedescendant", "term-option-" + i); list.children[i].scrollIntoView({block: "nearest"}); }
      else { query.removeAttribute("aria-activedescendant"); }
    };
    var pick = function (i) {
      var hit = hits[i];
      close();
      if (hit) { addTerm(hit); query.value = ""; }
    };
    var render = function () {
      list.textContent = "";
      hits.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.id = "term-option-" + i; li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false");
        li.textContent = hit.label + (hit.matched && hit.matched !== hit.label ? " (" + hit.matched + ")" : "") + " · " + hit.id;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
      query.setAttribute("aria-expanded", String(hits.length > 0));
      status.textContent = query.value.trim() ? (hits.length ? say("found", {n: hits.length}) : say("none", {})) : "";
      active = -1;
    };
    query.addEventListener("input", function () {
      window.clearTimeout(searchTimer);
      var text = query.value.trim();
      if (!text) { hits = []; render(); return; }
      searchTimer = window.setTimeout(function () {
        var mine = ++searched, lang = document.documentElement.lang || "en";
        fetch(query.form.getAttribute("data-search") + "?q=" + encodeURIComponent(text) + "&limit=8&lang=" + encodeURIComponent(lang),
              {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) { if (mine === searched) { hits = data.results || []; render(); } })
          .catch(function () { /* the Search button still works */ });
      }, 150);
    });
    query.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && hits.length) { e.preventDefault(); if (list.hidden) { render(); } mark(Math.min(active + 1, hits.length - 1)); }
      else if (e.key === "ArrowUp" && hits.length) { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && !list.hidden && active >= 0) { e.preventDefault(); pick(active); }
      else if (e.key === "Enter") {  // Enter in the box searches (the page comes back with the list), never the result
        e.preventDefault();
        if (query.value.trim()) { form.elements.find.click(); }
      }
      else if (e.key === "Escape" && !list.hidden) { e.preventDefault(); close(); }
    });
    query.addEventListener("blur", function () { window.setTimeout(close, 150); });
    added.addEventListener("change", syncTerms);
    added.addEventListener("click", function (e) {
      var button = e.target.closest(".remove-term");
      if (!button) { return; }
      e.preventDefault();  // removed in place (without JavaScript the button posts the form)
      var set = button.closest("fieldset"), label = set.querySelector("legend").firstChild.textContent.trim();
      set.parentNode.remove();
      syncTerms();
      status.textContent = say("removed", {label: label});
      query.focus();
      form.dispatchEvent(new Event("change"));
    });
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
