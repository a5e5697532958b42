// What Flask-Admin's inline onclick= attributes did, bound here: the Content-Security-Policy forbids inline script.
(function ($) {
    $(document).on('click', '[data-confirm]', function (event) {
        if (!confirm(this.getAttribute('data-confirm'))) { event.preventDefault(); event.stopImmediatePropagation(); }
    });
    $(document).on('click', '[data-action]', function (event) {
        event.preventDefault();
        modelActions.execute(this.getAttribute('data-action'));
    });
    $(document).on('click', '[data-add-inline]', function (event) {
        event.preventDefault();
        faForm.addInlineField(this, this.getAttribute('data-add-inline'));
    });
    // placeholder links (tabs, pagers, menus) would otherwise try to run a javascript: URL, which the policy blocks;
    // caught on the way down, as Bootstrap's dropdowns stop the click from bubbling up
    document.addEventListener('click', function (event) {
        var link = event.target.closest && event.target.closest('a[href^="javascript:"]');
        if (link) { event.preventDefault(); }
    }, true);
})(jQuery);
/* The desk's date and time entry: one flatpickr for every form, flow step and filter, in the page's language.
   A field holds exactly what was typed or picked: focus, Tab and Escape change nothing, and text the picker
   cannot read is left as typed for the server to refuse at the field. */
(function () {
  "use strict";
  var chinese = (window.DESK_LANG || "zh") === "zh";

  // what a clerk types: 2026-12-02 10:30, 2026-12-02 10:30:00, 2026/12/2 10:30, 20261202 1030, 2026-12-02T10:30
  var TYPED = /^\s*(\d{4})[-\/.]?(\d{1,2})[-\/.]?(\d{1,2})(?:[ T]+(\d{1,2}):?(\d{2})(?::?(\d{2}))?)?\s*$/;
  var COMPACT = /^\s*(\d{4})(\d{2})(\d{2})(?:[ T]+(\d{2})(\d{2})(\d{2})?)?\s*$/;

  function parseTyped(text, withTime) {
    var m = COMPACT.exec(text) || TYPED.exec(text);
    if (!m) return null;
    if (withTime && m[4] === undefined) return null;
    var d = new Date(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
    if (d.getFullYear() !== +m[1] || d.getMonth() !== +m[2] - 1 || d.getDate() !== +m[3] ||
        d.getHours() !== +(m[4] || 0) || d.getMinutes() !== +(m[5] || 0)) return null;  // 2026-02-30, 25:00
    return d;
  }

  function locale() {
    var base = chinese && window.flatpickr.l10ns.zh ? window.flatpickr.l10ns.zh : window.flatpickr.l10ns.default;
    return Object.assign({}, base, {firstDayOfWeek: 1});
  }

  // data-role -> [has a time, format the server reads]
  var ROLES = {
    "desk-datetime": [true, "Y-m-d H:i"],
    "desk-date": [false, "Y-m-d"],
    "datetimepicker": [true, "Y-m-d H:i:S"],  // list filters: Flask-Admin reads seconds there
    "datepicker": [false, "Y-m-d"]
  };

  function attach(input, role) {
    var spec = ROLES[role];
    if (!spec || input._flatpickr || !window.flatpickr) return false;
    var picker = window.flatpickr(input, {
      locale: locale(), enableTime: spec[0], time_24hr: true, allowInput: true, dateFormat: spec[1],
      disableMobile: true, minuteIncrement: 1, clickOpens: true,
      parseDate: function (text) { return parseTyped(text, spec[0]) || undefined; }
    });
    // flatpickr re-reads the input on blur and clears what it cannot parse: keep the typed text instead,
    // and leave an empty field empty
    var setDate = picker.setDate;
    picker.setDate = function (date, triggerChange, format) {
      if (typeof date === "string") {
        if (!date.trim()) {
          return picker.selectedDates.length ? setDate.call(picker, date, triggerChange, format) : undefined;
        }
        var parsed = parseTyped(date, spec[0]);
        if (!parsed) return undefined;
        return setDate.call(picker, parsed, triggerChange);
      }
      return setDate.call(picker, date, triggerChange, format);
    };
    input.setAttribute("autocomplete", "off");
    return true;
  }

  function attachAll(root) {
    Object.keys(ROLES).forEach(function (role) {
      (root || document).querySelectorAll('input[data-role="' + role + '"]').forEach(function (el) {
        attach(el, role);
      });
    });
  }

  function select2Messages() {
    if (!chinese || !window.jQuery || !jQuery.fn.select2) return;
    jQuery.extend(jQuery.fn.select2.defaults, {
      formatNoMatches: function () { return "没有找到匹配项"; },
      formatInputTooShort: function (input, min) { return "请再输入" + (min - input.length) + "个字符"; },
      formatInputTooLong: function (input, max) { return "请删掉" + (input.length - max) + "个字符"; },
      formatSelectionTooBig: function (limit) { return "最多只能选择" + limit + "项"; },
      formatLoadMore: function () { return "加载中…"; },
      formatSearching: function () { return "搜索中…"; },
      formatAjaxError: function () { return "加载失败"; }
    });
  }

  window.deskPicker = {attach: attach, attachAll: attachAll, parseTyped: parseTyped};
  select2Messages();
  // Flask-Admin's form script hands us the inputs it styles (forms, inline lines added later, list filters)
  if (window.jQuery) {
    jQuery(document).on("adminFormReady", function () {
      window.faForm.addFieldConverter(function ($el, role) { return attach($el[0], role); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
})();
