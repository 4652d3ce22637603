// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';

  // A link to a closed disclosure (/admin/users#add-user) opens it, on arrival and on in-page links.
  var openTarget = function () {
    var target = window.location.hash ? document.getElementById(decodeURIComponent(window.location.hash.slice(1))) : null;
    if (target && target.tagName === 'DETAILS') target.open = true;
  };
  openTarget();
  window.addEventListener('hashchange', openTarget);

  // Move keyboard and screen-reader focus to the error summary when a form comes back with errors.
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  // Genre tree: a disclosure button before each branch. Branches start collapsed unless something
  // inside them is ticked, so the long tree fits on one screen; without JavaScript it is all open.
  var roots = document.querySelectorAll('[data-genre-tree]');
  Array.prototype.forEach.call(roots, function (root) {
    // A branch is an item with a list inside it (the markup carries no classes for it).
    var items = Array.prototype.slice.call(root.querySelectorAll('.genre-tree li'));
    var isBranch = function (item) { return item.querySelector(':scope > ul') !== null; };
    items.filter(isBranch).forEach(function (item) {
      var label = item.querySelector(':scope > .check label');
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'genre-tree__toggle';
      var open = item.querySelector(':scope > ul input:checked') !== null;
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
    items.filter(function (item) { return !isBranch(item); }).forEach(function (item) {
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

  // A <select> of hundreds of options (the account form's 所属団体, 1,800 organisations): a search box
  // before it narrows the options to those containing what is typed. The select itself stays native
  // (its type-ahead works by keyboard) and is all there is without JavaScript.
  Array.prototype.forEach.call(document.querySelectorAll('select[data-searchable]'), function (select) {
    var fold = function (text) { return text.normalize('NFKC').toLowerCase(); };
    var all = Array.prototype.map.call(select.options, function (o) { return { value: o.value, text: o.text, key: fold(o.text) }; });
    var box = document.createElement('div');
    box.className = 'select-search';
    var label = document.createElement('label');
    label.htmlFor = select.id + '-search';
    label.className = 'field__label';
    label.textContent = select.getAttribute('data-searchable');
    var input = document.createElement('input');
    input.type = 'search';
    input.id = select.id + '-search';
    input.autocomplete = 'off';
    input.setAttribute('aria-controls', select.id);
    input.setAttribute('aria-describedby', select.id + '-search-status');
    var status = document.createElement('p');
    status.id = select.id + '-search-status';
    status.className = 'select-search__status';
    status.setAttribute('role', 'status');
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);
    var filter = function () {
      var typed = fold(input.value.trim());
      var chosen = select.value;
      var shown = all.filter(function (o) { return o.value === '' || o.value === chosen || typed === '' || o.key.indexOf(typed) !== -1; });
      var matches = shown.filter(function (o) { return o.value !== '' && (typed === '' || o.key.indexOf(typed) !== -1); });
      select.options.length = 0;
      shown.forEach(function (o) { var option = document.createElement('option'); option.value = o.value; option.text = o.text; option.selected = o.value === chosen; select.add(option); });
      // One match: it is chosen, so Tab and submit complete the form.
      if (typed !== '' && matches.length === 1) select.value = matches[0].value;
      status.textContent = typed === '' ? '' : matches.length === 0 ? '該当する団体はありません。'
        : matches.length === 1 ? '1件：「' + matches[0].text + '」を選びました。' : matches.length + '件に絞り込みました。下の一覧から選んでください。';
    };
    input.addEventListener('input', filter);
    // Enter in the search box moves to the list instead of sending the form half-filled.
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') { event.preventDefault(); select.focus(); }
    });
  });

  // The session ends after a time without requests (JIS X 8341-3 / WCAG 2.2.1: a time limit is
  // announced and can be extended). The header says when; two minutes before, a modal dialog says so
  // and offers to extend it. After the end, it says what happened and where a sent form went.
  var note = document.querySelector('[data-session-ends-at]');
  var logout = document.querySelector('form[action="/logout"] input[name="_csrf"]');
  if (note && logout && typeof HTMLDialogElement === 'function') {
    var WARN_BEFORE_MS = 2 * 60 * 1000;
    // Counted on this machine's clock from the seconds the server gave: the two clocks may differ.
    var endsAt = Date.now() + Number(note.getAttribute('data-session-remaining-seconds')) * 1000;
    var timer = null;
    var dialog = document.createElement('dialog');
    dialog.className = 'dialog session-dialog';
    dialog.setAttribute('role', 'alertdialog');
    dialog.setAttribute('aria-labelledby', 'session-dialog-title');
    dialog.setAttribute('aria-describedby', 'session-dialog-text');
    dialog.innerHTML = '<h2 id="session-dialog-title">まもなく自動的にログアウトします</h2>' +
      '<p id="session-dialog-text"></p>' +
      '<div class="session-dialog__actions"><button type="button" class="button" data-extend>ログインを延長する</button>' +
      '<button type="button" class="button button--secondary" data-close>閉じる</button></div>';
    document.body.appendChild(dialog);
    var title = dialog.querySelector('#session-dialog-title');
    var text = dialog.querySelector('#session-dialog-text');
    var extend = dialog.querySelector('[data-extend]');
    var timeText = function (ms) {
      var d = new Date(ms);
      return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
    };
    var schedule = function () {
      clearTimeout(timer);
      var now = Date.now();
      if (now < endsAt - WARN_BEFORE_MS) timer = setTimeout(warn, endsAt - WARN_BEFORE_MS - now);
      else if (now < endsAt) { warn(); timer = setTimeout(ended, endsAt - now); }
      else ended();
    };
    var warn = function () {
      title.textContent = 'まもなく自動的にログアウトします';
      text.textContent = '操作がないため、' + timeText(endsAt) + ' に自動的にログアウトします。続ける場合は「ログインを延長する」を押してください。';
      extend.hidden = false;
      if (!dialog.open) dialog.showModal();
      extend.focus();
      clearTimeout(timer);
      timer = setTimeout(ended, Math.max(0, endsAt - Date.now()));
    };
    var ended = function () {
      title.textContent = '自動的にログアウトしました';
      text.textContent = '操作がなかったため、ログアウトしました。入力中の情報登録のフォームは、このまま送信すると内容が保存され、もう一度ログインすると入力画面に戻ります。';
      extend.hidden = true;
      if (!dialog.open) dialog.showModal();
      dialog.querySelector('[data-close]').focus();
    };
    extend.addEventListener('click', function () {
      fetch('/session/extend', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: '_csrf=' + encodeURIComponent(logout.value),
      })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (answer) {
          endsAt = Date.now() + answer.remainingSeconds * 1000;
          note.setAttribute('data-session-ends-at', answer.endsAt);
          var time = note.querySelector('[data-session-end-time]');
          if (time) { time.setAttribute('datetime', answer.endsAt); time.textContent = timeText(endsAt); }
          dialog.close();
          schedule();
        })
        .catch(ended);
    });
    dialog.querySelector('[data-close]').addEventListener('click', function () { dialog.close(); });
    schedule();
  }
})();
