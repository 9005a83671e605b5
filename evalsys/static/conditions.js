// A survey page's conditional questions, shown and hidden as the participant answers.
// Progressive enhancement: without this script every such question is shown with its
// condition in words, and the server decides when the page is sent (it drops answers to
// questions that do not apply). The element of a conditional question (or group) carries
// data-relevant: its condition as a tree (evalsys.collection.condition_text.condition_tree).
// A hidden question's inputs are disabled, so its answer is not sent and counts as not given.
(function () {
  "use strict";
  var form = document.querySelector("form[data-conditions]");
  if (!form) { return; }
  var parts = Array.prototype.slice.call(form.querySelectorAll("[data-relevant]"));
  if (!parts.length) { return; }
  parts.forEach(function (el) { el.relevantTree = JSON.parse(el.getAttribute("data-relevant")); });

  // The answer to an item: what is filled in on this page, else what an earlier page carries.
  function answer(name) {
    var fields = form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
    var values = [];
    var onPage = false;
    Array.prototype.forEach.call(fields, function (field) {
      onPage = true;
      if (field.disabled) { return; }
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
      if (field.value.trim() !== "") { values.push(field.value.trim()); }
    });
    if (onPage && !values.length) {  // a number's missing-data code (survey.form.MISSING_PREFIX)
      Array.prototype.forEach.call(form.querySelectorAll("[name='m." + name.replace(/'/g, "") + "']"),
        function (field) {
          if (!field.disabled && field.checked) { values.push(field.value); }
        });
    }
    if (!onPage) {
      Array.prototype.forEach.call(form.querySelectorAll("input[type=hidden]"), function (field) {
        if (field.name === "a." + name && field.value !== "") { values.push(field.value); }
      });
    }
    var multiple = Array.prototype.some.call(fields, function (f) { return f.type === "checkbox"; });
    if (multiple || values.length > 1) { return values; }
    return values.length ? values[0] : "";
  }

  function operand(node) {
    if (Object.prototype.hasOwnProperty.call(node, "value")) { return node.value; }
    if (node.name !== undefined) { return answer(node.name); }
    if (node.count !== undefined) {
      var given = answer(node.count);
      return Array.isArray(given) ? given.length : (given === "" ? 0 : 1);
    }
    return holds(node);
  }

  function numeric(value) {
    return typeof value === "number" || (typeof value === "string" && value.trim() !== "" &&
      !isNaN(Number(value.replace(",", "."))));
  }

  function compare(op, a, b) {
    if (Array.isArray(a)) { a = a.join(" "); }
    if (Array.isArray(b)) { b = b.join(" "); }
    if (numeric(a) && numeric(b)) {
      a = Number(String(a).replace(",", "."));
      b = Number(String(b).replace(",", "."));
    } else if (op !== "=" && op !== "!=") {
      return false;  // an order needs two numbers: an empty answer is neither more nor less
    } else {
      a = String(a); b = String(b);
    }
    switch (op) {
      case "=": return a === b;
      case "!=": return a !== b;
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
    }
    return false;
  }

  function holds(node) {
    if (node.and) { return node.and.every(holds); }
    if (node.or) { return node.or.some(holds); }
    if (node.not) { return !holds(node.not); }
    if (node.selected !== undefined) {
      var given = answer(node.selected);
      var wanted = String(node.value);
      return Array.isArray(given) ? given.indexOf(wanted) >= 0 : given === wanted;
    }
    if (node.cmp) { return compare(node.cmp, operand(node.a), operand(node.b)); }
    return true;
  }

  function inHidden(el) {
    for (var up = el.parentElement; up && up !== form; up = up.parentElement) {
      if (up.hidden) { return true; }
    }
    return false;
  }

  // In page order: a condition names only earlier questions, so one pass settles them all.
  function update() {
    parts.forEach(function (el) {
      var show = !inHidden(el) && holds(el.relevantTree);
      el.hidden = !show;
      Array.prototype.forEach.call(el.querySelectorAll("input, select, textarea"), function (f) {
        f.disabled = !show || inHidden(f);
      });
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
