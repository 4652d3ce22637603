// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';

  // Move keyboard and screen-reader focus to the error summary when a form comes back with errors.
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  // Genre tree: a disclosure button before each branch. Branches start collapsed unless something
  // inside them is ticked, so the long tree fits on one screen; without JavaScript it is all open.
  var roots = document.querySelectorAll('[data-genre-tree]');
  Array.prototype.forEach.call(roots, function (root) {
    var branches = root.querySelectorAll('.genre-tree__item--branch');
    Array.prototype.forEach.call(branches, function (item) {
      var label = item.querySelector(':scope > .check label');
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'genre-tree__toggle';
      var open = item.querySelector(':scope > .genre-tree input:checked') !== null;
      var update = function () {
        button.setAttribute('aria-expanded', open ? 'true' : 'false');
        button.textContent = open ? '−' : '＋';
        button.setAttribute('aria-label', (label ? label.textContent : '') + (open ? 'の下位ジャンルを閉じる' : 'の下位ジャンルを開く'));
        if (open) item.removeAttribute('data-collapsed');
        else item.setAttribute('data-collapsed', '');
      };
      button.addEventListener('click', function () { open = !open; update(); });
      var row = document.createElement('div');
      row.className = 'genre-tree__row';
      var check = item.querySelector(':scope > .check');
      item.insertBefore(row, check);
      row.appendChild(button);
      row.appendChild(check);
      update();
    });
    // Leaves line up with branches: an empty spacer where the button would be.
    Array.prototype.forEach.call(root.querySelectorAll('.genre-tree__item:not(.genre-tree__item--branch)'), function (item) {
      var check = item.querySelector(':scope > .check');
      var row = document.createElement('div');
      row.className = 'genre-tree__row';
      var spacer = document.createElement('span');
      spacer.className = 'genre-tree__spacer';
      item.insertBefore(row, check);
      row.appendChild(spacer);
      row.appendChild(check);
    });
  });

  // Pop-ups: the who-liked list and the registration terms open in a <dialog>, loaded from the same
  // page the link leads to without JavaScript (only its main part is shown).
  function dialogLink(selector, dialogId, partId) {
    var dialog = document.getElementById(dialogId);
    if (!dialog || typeof dialog.showModal !== 'function') return;
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (link) {
      link.addEventListener('click', function (event) {
        event.preventDefault();
        fetch(link.href, { credentials: 'same-origin' })
          .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
          .then(function (html) {
            var part = new DOMParser().parseFromString(html, 'text/html').getElementById(partId);
            var body = dialog.querySelector('.dialog__body');
            body.replaceChildren(part ? document.importNode(part, true) : document.createTextNode(''));
            dialog.showModal();
          })
          .catch(function () { window.location.href = link.href; });
      });
    });
  }
  dialogLink('[data-likes-dialog]', 'likes-dialog', 'likes-list');
  dialogLink('[data-terms-dialog]', 'terms-dialog', 'terms-text');
})();
