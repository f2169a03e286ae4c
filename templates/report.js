/* estate report: sortable and filterable tables, in plain JavaScript.
   Tables are complete HTML without it.  A table with class "sortable" gets a button
   in each column header (click to sort; aria-sort says the order); a table with
   data-filter gets a text box that hides the rows not matching every word typed.
   A cell's data-sort attribute, when present, is the value sorted on; a column whose
   values are all numbers sorts numerically; empty values sort last.
   It is included as a Jinja template: avoid a brace followed by another brace, a
   percent sign or a hash. */
(function () {
  "use strict";

  function sortValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var value = cell.getAttribute("data-sort");
    return (value === null ? cell.textContent : value).trim();
  }

  function isNumeric(value) {
    return value !== "" && isFinite(Number(value));
  }

  function bodyRows(table) {
    var rows = [];
    var body = table.tBodies[0];
    if (!body) { return rows; }
    for (var i = 0; i < body.rows.length; i += 1) {
      if (!body.rows[i].hasAttribute("data-empty")) { rows.push(body.rows[i]); }
    }
    return rows;
  }

  function sortTable(table, header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = bodyRows(table);
    var numeric = rows.every(function (row) {
      var value = sortValue(row, index);
      return value === "" || isNumeric(value);
    });
    var keyed = rows.map(function (row, position) {
      return { row: row, value: sortValue(row, index), position: position };
    });
    keyed.sort(function (a, b) {
      if (a.value === "" && b.value !== "") { return 1; }
      if (b.value === "" && a.value !== "") { return -1; }
      var order = numeric ? Number(a.value) - Number(b.value)
        : a.value.localeCompare(b.value, "en-GB", { numeric: true, sensitivity: "base" });
      if (order === 0) { return a.position - b.position; }
      return ascending ? order : -order;
    });
    var body = table.tBodies[0];
    keyed.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var status = document.getElementById("sort-status");
    if (status) {
      var caption = table.caption ? table.caption.firstChild.textContent.trim() + ": " : "";
      status.textContent = caption + "sorted by " + header.getAttribute("data-label") + ", " +
        (ascending ? "ascending" : "descending") + ".";
    }
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tHead.rows.length) { return; }
    var headers = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(headers, function (header, index) {
      if (header.hasAttribute("data-nosort") || header.colSpan > 1) { return; }
      header.setAttribute("data-label", header.textContent.trim());
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      var icon = document.createElement("span");
      icon.className = "sort__icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "\u2195";
      button.appendChild(icon);
      header.appendChild(button);
      button.addEventListener("click", function () { sortTable(table, header, index); });
    });
  }

  function makeFilterable(table, number) {
    var rows = bodyRows(table);
    if (rows.length < 2) { return; }
    var wrap = table.parentNode;
    var box = document.createElement("div");
    box.className = "filter";
    var id = "filter-" + (table.id || number);
    var label = document.createElement("label");
    label.setAttribute("for", id);
    var caption = table.caption ? table.caption.firstChild.textContent.trim() : "table";
    label.textContent = "Filter " + caption.charAt(0).toLowerCase() + caption.slice(1);
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("data-filter-for", table.id || "");
    var status = document.createElement("p");
    status.className = "filter__status";
    status.setAttribute("aria-live", "polite");
    status.textContent = rows.length + " rows";
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    wrap.parentNode.insertBefore(box, wrap);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.classList.toggle("is-hidden", !match);
        if (match) { shown += 1; }
      });
      status.textContent = words.length ? "Showing " + shown + " of " + rows.length + " rows"
        : rows.length + " rows";
    });
  }

  function ready() {
    var tables = document.querySelectorAll("table.sortable, table[data-filter]");
    Array.prototype.forEach.call(tables, function (table, number) {
      if (table.classList.contains("sortable")) { makeSortable(table); }
      if (table.hasAttribute("data-filter")) { makeFilterable(table, number); }
    });
    document.documentElement.classList.add("js");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
