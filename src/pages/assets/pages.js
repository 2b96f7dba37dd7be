/* global document */
'use strict';
// Progressive enhancement only: every page works without this file.
(function () {
  document.documentElement.classList.add('js');

  /** The same amounts the server writes (src/pages/customer/format.ts). */
  function money(minor, currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency }).format(minor / 100);
    } catch {
      return (minor / 100).toFixed(2) + ' ' + currency;
    }
  }

  /** An offer's totals follow its license counts as they change. */
  function follow(form) {
    var currency = form.getAttribute('data-currency') || 'USD';
    // months per billing period, as the server counts them (format.ts periodMonths)
    var periodMonths = Number(form.getAttribute('data-period-months'));
    var lines = form.querySelectorAll('tr[data-line]');
    function update() {
      var month = 0;
      var complete = true;
      lines.forEach(function (row) {
        var input = row.querySelector('input[type=number]');
        var out = row.querySelector('[data-line-total]');
        var n = Number(input.value);
        var ok = input.value !== '' && Number.isInteger(n) && n >= Number(input.min) && n <= Number(input.max);
        if (ok) {
          var total = n * Number(row.getAttribute('data-price'));
          month += total;
          out.textContent = money(total, currency);
        } else {
          complete = false;
          out.textContent = '—';
        }
      });
      var m = form.querySelector('[data-total-month]');
      var p = form.querySelector('[data-total-period]');
      if (m) m.textContent = complete ? money(month, currency) : '—';
      if (p && periodMonths > 0) p.textContent = complete ? money(Math.round(month * periodMonths), currency) : '—';
    }
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
  }

  /** A form sent once is not sent again by a second click (the server would answer it with the first result anyway). */
  function once(form) {
    var sentAt = 0;
    form.addEventListener('submit', function (event) {
      if (Date.now() - sentAt < 10000) {
        event.preventDefault();
        return;
      }
      sentAt = Date.now();
      form.setAttribute('aria-busy', 'true');
    });
  }

  function start() {
    document.querySelectorAll('form[data-offer]').forEach(follow);
    document.querySelectorAll('form[method=post]').forEach(once);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
