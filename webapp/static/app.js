// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.addEventListener("click", function () { window.print(); });
  });
  // The differential's three lists of 156 entries: a box that narrows all three to the entries whose
  // name, gene or id holds what is typed (the choice made stays), and each choice in full under its
  // list, since a phone cuts a long name short in the closed list.
  document.querySelectorAll(".ranked").forEach(function (ranked) {
    var selects = Array.prototype.slice.call(ranked.querySelectorAll("select"));
    if (!selects.length) { return; }
    var words = JSON.parse(ranked.getAttribute("data-words") || "{}");
    var fold = function (text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
    var originals = selects.map(function (s) { return Array.prototype.slice.call(s.children).map(function (c) { return c.cloneNode(true); }); });
    var box = document.createElement("p");
    box.className = "find-entry";
    box.innerHTML = '<label for="find-entry"></label> <input type="search" id="find-entry" autocomplete="off" aria-describedby="find-entry-count"> <span id="find-entry-count" class="hint" aria-live="polite"></span>';
    box.querySelector("label").textContent = words.find || "Find a type or gene";
    ranked.parentNode.insertBefore(box, ranked);
    var input = box.querySelector("input"), count = box.querySelector("#find-entry-count");
    var show = function (select) {
      var line = select.parentNode.querySelector(".chosen");
      if (!line) {
        line = document.createElement("span");
        line.className = "chosen";
        line.setAttribute("aria-hidden", "true");  // the list itself says the choice to a screen reader
        select.insertAdjacentElement("afterend", line);
      }
      var option = select.options[select.selectedIndex];
      line.textContent = option && option.value ? option.textContent : "";
    };
    var narrow = function () {
      var wanted = fold(input.value.trim()), matches = 0;
      selects.forEach(function (select, i) {
        var kept = select.value;
        select.textContent = "";
        originals[i].forEach(function (node) {
          if (node.tagName === "OPTGROUP") {
            var group = node.cloneNode(false);
            Array.prototype.forEach.call(node.children, function (o) {
              var hit = !wanted || fold(o.textContent + " " + o.value).indexOf(wanted) !== -1;
              if (hit && i === 0) { matches += 1; }
              if (hit || o.value === kept) { group.appendChild(o.cloneNode(true)); }
            });
            if (group.children.length) { select.appendChild(group); }
          } else {
            select.appendChild(node.cloneNode(true));
          }
        });
        select.value = kept;
      });
      count.textContent = !wanted ? "" : matches === 1 ? (words.one || "1 entry matches") : (words.many || "{n} entries match").replace("{n}", String(matches));
    };
    input.addEventListener("input", narrow);
    selects.forEach(function (select) {
      show(select);
      select.addEventListener("change", function () { show(select); });
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var text = document.getElementById(btn.getAttribute("data-copy")).textContent;
      var words = JSON.parse(btn.getAttribute("data-words") || "{}");  // in the page's language
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(function () { btn.textContent = words.copied || "Copied"; });
      }
    });
  });
});

// The deep-linking answer page (templates/lti/deep_link_return.html) hands its signed answer back to
// the LMS at once; its CSP allows exactly that one form target.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosubmit]");
  if (form) form.submit();
});

// The LTI login inside an LMS's frame (templates/lti/cookie_check.html): carry on in the frame when
// the browser keeps a cookie here (as the launch's own cookies: SameSite=None; Secure; Partitioned
// over HTTPS), else offer the same login in a new window.
document.addEventListener("DOMContentLoaded", () => {
  const check = document.querySelector("[data-lti-cookie-check]");
  if (!check) return;
  const attrs = check.dataset.secure ? "; SameSite=None; Secure; Partitioned" : "; SameSite=Lax";
  document.cookie = "lti_cookie_check=1; path=/lti; max-age=60" + attrs;
  if (document.cookie.indexOf("lti_cookie_check=1") !== -1) {
    window.location.replace(check.dataset.login);
  } else {
    check.querySelector(".lti-blocked").hidden = false;
  }
});

// LTI Dynamic Registration's last step (templates/lti/registered.html): tell the LMS it is done.
document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector("[data-lti-registered]")) {
    (window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
  }
});
