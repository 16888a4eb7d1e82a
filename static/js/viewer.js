// Opens a SMART Health Link in the browser. The key is in the page's #fragment, which never
// reaches a server; the files are decrypted here with Web Crypto (shared-record.js, which also
// lays the record out). Everything shown is set as text, never as HTML.

import { b64urlBytes, bundleOf, Damaged, decrypt, showBundle } from './shared-record.js'

const status = document.getElementById('viewer-status')
const form = document.getElementById('unlock')
const recordBox = document.getElementById('record')
const passcodeGroup = document.getElementById('passcode-group')
const passcodeInput = document.getElementById('passcode')
const errorSummary = document.getElementById('error-summary')

function say (text) { status.textContent = text }

// A problem with the passcode, in the NHS error-message style: the summary at the top links to
// the field, and the field says what is wrong.
function passcodeProblem (text) {
  document.getElementById('error-summary-link').textContent = text
  document.getElementById('passcode-error-text').textContent = text
  passcodeGroup.classList.add('nhsuk-form-group--error')
  passcodeInput.classList.add('nhsuk-input--error')
  passcodeInput.setAttribute('aria-describedby', 'passcode-hint passcode-error')
  document.getElementById('passcode-error').hidden = false
  errorSummary.classList.add('nhsuk-error-summary')
  errorSummary.hidden = false
  document.title = 'Error: ' + document.title.replace(/^Error: /, '')
  errorSummary.focus()
}

function noPasscodeProblem () {
  passcodeGroup.classList.remove('nhsuk-form-group--error')
  passcodeInput.classList.remove('nhsuk-input--error')
  passcodeInput.setAttribute('aria-describedby', 'passcode-hint')
  document.getElementById('passcode-error').hidden = true
  errorSummary.classList.remove('nhsuk-error-summary')
  errorSummary.hidden = true
  document.title = document.title.replace(/^Error: /, '')
}

const DAMAGED_LINK = 'This link is damaged or not complete. Check you copied the whole link, or ask the person who shared it for a new one.'

function readLink () {
  let hash
  try { hash = decodeURIComponent(window.location.hash || '') } catch (error) { throw new Damaged(DAMAGED_LINK) }
  const at = hash.indexOf('shlink:/')
  if (at < 0) throw new Error('This page needs a sharing link. Check you copied the whole link.')
  let payload
  try {
    payload = JSON.parse(new TextDecoder().decode(b64urlBytes(hash.slice(at + 8))))
  } catch (error) {
    throw new Damaged(DAMAGED_LINK)
  }
  if (!payload || !payload.url || !payload.key) throw new Damaged(DAMAGED_LINK)
  return payload
}

// The key lives in the #fragment. Once it has been read, take it out of the address bar, so it
// is not left in the browser's history or shown to someone looking over a shoulder.
function forgetLink () {
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname)
}

function showTitle (title) {
  document.getElementById('viewer-heading').textContent = title
}

async function open (payload, recipient, passcode) {
  say('Opening…')
  const response = await fetch(payload.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(passcode ? { recipient, passcode } : { recipient })
  })
  if (response.status === 401) {
    const body = await response.json()
    const left = body.remainingAttempts
    say('')
    if (left > 0) {
      passcodeProblem(`The passcode is not right. Check it with the person who shared the link. You have ${left} ${left === 1 ? 'try' : 'tries'} left.`)
    } else {
      noPasscodeProblem()
      form.hidden = true
      say('The passcode was not right too many times, so the link has stopped working. Ask the person who shared it for a new one.')
    }
    return
  }
  if (response.status === 404) { noPasscodeProblem(); say('This link does not work any more. It may have expired or been cancelled. Ask the person who shared it for a new one.'); form.hidden = true; return }
  if (response.status === 429) { say('Too many tries. Wait a minute, then try again.'); return }
  if (!response.ok) { say('Something went wrong. Try again later.'); return }
  const manifest = await response.json()
  const keyBytes = b64urlBytes(payload.key)
  for (const file of manifest.files || []) {
    const jwe = file.embedded || await (await fetch(file.location)).text()
    const { plain } = await decrypt(jwe, keyBytes)
    if (file.contentType === 'application/fhir+json') showBundle(bundleOf(plain), recordBox, showTitle)
  }
  noPasscodeProblem()
  form.hidden = true
  say('')
}

let current = null

function start () {
  if (!window.location.hash) return
  recordBox.hidden = true
  recordBox.replaceChildren()
  try {
    try {
      current = readLink()
    } finally {
      forgetLink()
    }
    if (current.exp && current.exp * (current.exp > 1e11 ? 1 : 1000) < Date.now()) {
      form.hidden = true
      say('This link has expired. Ask the person who shared it for a new one.')
      return
    }
    say('')
    document.getElementById('unlock-label').textContent = current.label ? `“${current.label}”` : ''
    passcodeGroup.hidden = !(current.flag || '').includes('P')
    form.hidden = false
  } catch (error) {
    current = null
    form.hidden = true
    say(error.message)
  }
}

form.addEventListener('submit', event => {
  event.preventDefault()
  if (!current) return
  const recipient = document.getElementById('recipient').value.trim() || 'Someone with the link'
  const needsPasscode = (current.flag || '').includes('P')
  const passcode = needsPasscode ? passcodeInput.value : ''
  // An empty passcode is never sent: it would only use up one of the tries.
  if (needsPasscode && !passcode) { passcodeProblem('Enter the passcode. The person who shared the link will have told you it.'); return }
  open(current, recipient, passcode).catch(error => say(error instanceof Damaged
    ? error.message
    : 'This record could not be opened. Check your connection, then try again.'))
})

// Opening a link in a tab that shows the viewer already only changes the #fragment.
window.addEventListener('hashchange', start)
if (window.location.hash) {
  start()
} else {
  say('This page needs a sharing link. Check you copied the whole link.')
}
