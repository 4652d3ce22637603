// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Move keyboard and screen-reader focus to the error summary when a form comes back with errors.
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
})();
