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
