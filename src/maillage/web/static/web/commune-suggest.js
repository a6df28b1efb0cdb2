// A commune field that suggests as people type: any commune of the territory,
// by the start of its name or its postal code, accents and hyphens ignored
// (the server's one rule, /api/communes/?q=). Keyboard and screen readers
// follow the WAI-ARIA 1.2 combobox pattern: arrows move in the list, Enter
// chooses, Escape closes, the count of suggestions is announced.
// Without JavaScript the field is a plain text box the server resolves.
(function () {
  "use strict";
  var API = "/api/communes/";
  var MAX = 8;

  function label(input, name, fallback, values) {
    var text = input.getAttribute("data-label-" + name) || fallback;
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("%(" + key + ")s", values[key]);
    });
    return text;
  }

  function enhance(input, number) {
    var departements = input.getAttribute("data-commune-suggest") || "";
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var listId = "commune-suggest-" + number;
    var options = [];
    var active = -1;
    var timer = null;
    var asked = "";

    list.id = listId;
    list.className = "commune-suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", label(input, "list", "Communes proposées"));
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.parentNode.classList.add("commune-suggest-field");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var li = options[index];
      if (!li) return;
      input.value = li.getAttribute("data-value");
      close();
      status.textContent = label(input, "chosen", "%(name)s choisie.", { name: li.textContent });
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(rows) {
      list.textContent = "";
      options = rows.slice(0, MAX).map(function (row, i) {
        var li = document.createElement("li");
        var postal = (row.postal_codes || []).slice(0, 2).join(", ");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        // The commune's name is what the form sends: the server resolves it exactly.
        li.setAttribute("data-value", row.name);
        li.textContent = row.name + (postal ? " (" + postal + ")" : "");
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the field
          choose(i);
        });
        list.appendChild(li);
        return li;
      });
      if (!options.length) {
        close();
        status.textContent = label(input, "none", "Aucune commune ne correspond.");
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
      status.textContent =
        options.length === 1
          ? label(input, "one", "1 commune proposée.")
          : label(input, "many", "%(n)s communes proposées.", { n: options.length });
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < 2) {
        close();
        return;
      }
      if (text === asked) return;
      asked = text;
      var url = API + "?page_size=" + MAX + "&q=" + encodeURIComponent(text);
      if (departements) url += "&dept=" + encodeURIComponent(departements);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === text) show(data.results || []);
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && options.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          highlight(0);
          event.preventDefault();
        }
        return;
      }
      if (event.key === "ArrowDown") {
        highlight(active + 1 < options.length ? active + 1 : 0);
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(active > 0 ? active - 1 : options.length - 1);
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0) {
        choose(active);
        event.preventDefault(); // choosing is not submitting
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
    // A person (or a slow connection) may type before this script runs: answer what
    // is already in the field they are in, instead of waiting for the next key.
    if (document.activeElement === input) ask();
  }

  var fields = document.querySelectorAll("input[data-commune-suggest]");
  for (var i = 0; i < fields.length; i++) enhance(fields[i], i);
})();
