/**
 * The sign-in page's script (served at /citizen/sign-in.js, so the pages' CSP allows no inline
 * script). It plays the part of マイナポータル's browser extension: it asks eligibility-api for a
 * challenge, has the citizen's card client (the reader emulator, standing for the JPKI client
 * software on the citizen's machine) sign it after the PIN, and posts only the serial, the
 * challenge and the signature. The PIN goes to the card client, never to eligibility-api: the PIN
 * field has no name and is cleared before the form is sent.
 */
export const SIGN_IN_SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('sign-in');
  if (!form) return;
  var status = document.getElementById('sign-in-status');
  var messages = JSON.parse(form.getAttribute('data-messages'));
  var cardClient = form.getAttribute('data-card-client');
  function show(text) {
    status.textContent = text;
    status.hidden = false;
    status.focus();
  }
  async function json(response) {
    try { return await response.json(); } catch (e) { return {}; }
  }
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var button = form.querySelector('button[type=submit]');
    var pinField = document.getElementById('pin');
    var pin = pinField.value;
    pinField.value = '';
    var serial = form.elements.certificateSerial.value.trim();
    button.disabled = true;
    status.hidden = true;
    try {
      var issued = await fetch('/v1/citizen/challenges', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ certificateSerial: serial }),
      });
      var challenge = await json(issued);
      if (!issued.ok) return show(messages[challenge.code] || messages.VALIDATION_FAILED);
      if (!cardClient) return show(messages.CARD_CLIENT_UNREACHABLE);
      var signed;
      try {
        signed = await fetch(cardClient + '/v1/cards/' + encodeURIComponent(serial) + '/signatures', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ pin: pin, challenge: challenge.challenge }),
        });
      } catch (e) {
        return show(messages.CARD_CLIENT_UNREACHABLE);
      }
      var card = await json(signed);
      if (!signed.ok) {
        if (card.code === 'PIN_MISMATCH')
          return show(messages.PIN_MISMATCH.replace('{n}', String(card.pinTriesLeft)));
        return show(messages[card.code] || messages.CARD_KEY_UNAVAILABLE);
      }
      form.elements.challenge.value = challenge.challenge;
      form.elements.signature.value = card.signature;
      form.submit();
    } finally {
      button.disabled = false;
    }
  });
})();
`;
