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
    // placeholder links (tabs, pagers, menus) would otherwise try to run a javascript: URL, which the policy blocks
    $(document).on('click', 'a[href^="javascript:"]', function (event) { event.preventDefault(); });
})(jQuery);
