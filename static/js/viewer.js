// Opens a SMART Health Link in the browser. The key is in the page's #fragment, which never
// reaches a server; the files are decrypted here with Web Crypto. Everything shown is set as
// text, never as HTML.

const status = document.getElementById('viewer-status')
const form = document.getElementById('unlock')
const recordBox = document.getElementById('record')

function say (text) { status.textContent = text }

function b64urlBytes (text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4)
  const raw = atob(b64)
  return Uint8Array.from(raw, c => c.charCodeAt(0))
}

const DAMAGED_LINK = 'This link is damaged or not complete. Check you copied the whole link, or ask the person who shared it for a new one.'
const DAMAGED_FILE = 'The shared record has been changed or damaged since it was shared, so it cannot be shown. Ask the person who shared it for a new link.'

class Damaged extends Error {}

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

async function decrypt (jwe, keyBytes) {
  try {
    return await openFile(jwe, keyBytes)
  } catch (error) {
    throw new Damaged(DAMAGED_FILE)
  }
}

async function openFile (jwe, keyBytes) {
  const [header64, encryptedKey, iv64, cipher64, tag64] = jwe.split('.')
  if (encryptedKey !== '' || tag64 === undefined) throw new Error('damaged')
  const header = JSON.parse(new TextDecoder().decode(b64urlBytes(header64)))
  if (header.alg !== 'dir' || header.enc !== 'A256GCM') throw new Error('unknown encryption')
  const key = await crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['decrypt'])
  const cipher = b64urlBytes(cipher64)
  const tag = b64urlBytes(tag64)
  const sealed = new Uint8Array(cipher.length + tag.length)
  sealed.set(cipher)
  sealed.set(tag, cipher.length)
  let plain = new Uint8Array(await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: b64urlBytes(iv64), additionalData: new TextEncoder().encode(header64), tagLength: 128 },
    key, sealed))
  if (header.zip === 'DEF') {
    const stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream('deflate-raw'))
    plain = new Uint8Array(await new Response(stream).arrayBuffer())
  }
  return { header, plain }
}

function el (tag, text, attrs = {}) {
  const node = document.createElement(tag)
  if (text !== undefined && text !== null) node.textContent = text
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value)
  return node
}

function longDate (iso) {
  if (!iso) return ''
  const d = new Date(iso.slice(0, 10) + 'T12:00:00Z')
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
}

function table (caption, headings, rows) {
  const t = el('table', null, { class: 'nhsuk-table' })
  const c = el('caption', caption, { class: 'nhsuk-table__caption nhsuk-table__caption--m' })
  t.append(c)
  const head = el('thead', null, { class: 'nhsuk-table__head' })
  const tr = el('tr')
  headings.forEach(h => tr.append(el('th', h, { scope: 'col' })))
  head.append(tr)
  const body = el('tbody', null, { class: 'nhsuk-table__body' })
  rows.forEach(r => { const row = el('tr'); r.forEach(v => row.append(el('td', v))); body.append(row) })
  t.append(head, body)
  return t
}

function showBundle (bundle, title) {
  const resources = (bundle.entry || []).map(e => e.resource || {})
  const of = type => resources.filter(r => r.resourceType === type)
  const patient = of('Patient')[0] || {}
  const names = patient.name || []
  const official = names.find(n => n.use !== 'usual') || names[0] || {}
  const usual = names.find(n => n.use === 'usual')
  const fullName = [...(official.given || []), official.family].filter(Boolean).join(' ')
  document.getElementById('viewer-heading').textContent = title || 'A shared health record'
  recordBox.replaceChildren()
  const who = el('h2', fullName, { id: 'patient-name', dir: 'auto' })
  recordBox.append(who)
  if (usual) recordBox.append(el('p', 'Likes to be called ' + (usual.given || []).join(' ')))
  if (patient.birthDate) recordBox.append(el('p', 'Born ' + longDate(patient.birthDate)))
  const nhs = (patient.identifier || []).find(i => i.system === 'https://fhir.nhs.uk/Id/nhs-number')
  if (nhs) recordBox.append(el('p', 'NHS number ' + nhs.value))

  const codeOf = (concept) => (((concept || {}).coding || [{}])[0] || {}).code
  const vaccineName = i => (i.vaccineCode && i.vaccineCode.text) || 'Vaccination'
  const vaccineDate = i => longDate(i.occurrenceDateTime || i.occurrenceString)
  const immunisations = of('Immunization').filter(i => i.status !== 'not-done')
    .map(i => [vaccineName(i), vaccineDate(i)])
  recordBox.append(immunisations.length
    ? table('Vaccinations', ['Vaccination', 'Date'], immunisations)
    : el('p', 'No vaccinations are recorded.'))
  // A dose declined (PATOBJ) or not safe to give (MEDPREC): a decision, listed on its own.
  const notGivenWords = { PATOBJ: 'Declined', MEDPREC: 'Not safe to give' }
  const notGiven = of('Immunization').filter(i => i.status === 'not-done').map(i => {
    const reason = i.statusReason || {}
    const why = notGivenWords[codeOf(reason)] || 'Not given'
    return [vaccineName(i), vaccineDate(i), reason.text ? why + ' (' + reason.text + ')' : why]
  })
  if (notGiven.length) {
    recordBox.append(table('Vaccinations not given', ['Vaccination', 'Date', 'Why'], notGiven))
  }
  // A refuted allergy never was one; a resolved one is not any more.
  const allergies = of('AllergyIntolerance')
    .filter(a => codeOf(a.verificationStatus) !== 'refuted' && codeOf(a.clinicalStatus) !== 'resolved')
    .map(a => [(a.code && a.code.text) || 'Allergy'])
  recordBox.append(el('h3', 'Allergies'))
  recordBox.append(allergies.length ? listOf(allergies.map(a => a[0])) : el('p', 'No known allergies.'))
  const statusOf = c => ((c.clinicalStatus || {}).coding || [{}])[0].code
  const refuted = c => (((c.verificationStatus || {}).coding || [{}])[0].code) === 'refuted'
  const conditions = of('Condition').filter(c => !refuted(c)).map(c =>
    ((c.code && c.code.text) || 'Condition') + (['resolved', 'inactive', 'remission'].includes(statusOf(c)) ? ' (in the past)' : ''))
  recordBox.append(el('h3', 'Health conditions'))
  recordBox.append(conditions.length ? listOf(conditions) : el('p', 'None recorded.'))
  // Only an active statement is a medicine taken now; a completed or stopped one is history.
  const medicineName = m => (m.medicationCodeableConcept && m.medicationCodeableConcept.text) || 'Medicine'
  const statements = of('MedicationStatement')
  const current = statements.filter(m => m.status === 'active' || m.status === 'intended')
  const stopped = statements.filter(m => !current.includes(m)).map(m => {
    const end = (m.effectivePeriod || {}).end
    return medicineName(m) + (end ? ` (stopped on ${longDate(end)})` : ' (stopped)')
  })
  recordBox.append(el('h3', 'Medicines taken now'))
  recordBox.append(current.length ? listOf(current.map(medicineName)) : el('p', 'None recorded.'))
  if (stopped.length) {
    recordBox.append(el('h3', 'Medicines stopped'))
    recordBox.append(listOf(stopped))
  }
  // Time in hospital (format /2): operations are Procedures, admissions and A&E Encounters.
  const episode = (what, period, where, why) => {
    const p = period || {}
    const until = p.end && p.end !== p.start ? ' to ' + longDate(p.end) : ''
    return what + ' on ' + longDate(p.start) + until + (where ? ' at ' + where : '') + (why ? ': ' + why : '')
  }
  const encounterWords = { IMP: 'Hospital admission', EMER: 'A&E attendance' }
  const hospital = [
    ...of('Procedure').map(p => [(p.performedPeriod || {}).start, episode('Operation', p.performedPeriod,
      (p.location || {}).display, (p.code || {}).text)]),
    ...of('Encounter').map(e => [(e.period || {}).start, episode(encounterWords[(e.class || {}).code] || 'Hospital visit',
      e.period, (((e.location || [])[0] || {}).location || {}).display, ((e.reasonCode || [])[0] || {}).text)])
  ].sort((a, b) => (b[0] || '').localeCompare(a[0] || '')).map(h => h[1])
  recordBox.append(el('h3', 'Time in hospital'))
  recordBox.append(hospital.length ? listOf(hospital, 'hospital-episodes') : el('p', 'None recorded.'))

  for (const ref of of('DocumentReference')) {
    const attachment = ((ref.content || [])[0] || {}).attachment || {}
    if (attachment.contentType === 'application/pdf' && attachment.data) {
      const bytes = Uint8Array.from(atob(attachment.data), c => c.charCodeAt(0))
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }))
      const link = el('a', 'Download the PDF to print or keep', { href: url, download: (attachment.title || 'health-record') + '.pdf', class: 'nhsuk-button', id: 'download-pdf' })
      recordBox.append(el('h3', 'The document'), link)
    }
  }
  recordBox.hidden = false
}

function listOf (items, id) {
  const ul = el('ul', null, id ? { id } : {})
  items.forEach(i => ul.append(el('li', i)))
  return ul
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
    say(left > 0
      ? `That passcode is not right. You have ${left} ${left === 1 ? 'try' : 'tries'} left.`
      : 'That passcode is not right, and there are no tries left. The link has stopped working.')
    return
  }
  if (response.status === 404) { say('This link does not work any more. It may have expired or been cancelled. Ask the person who shared it for a new one.'); form.hidden = true; return }
  if (response.status === 429) { say('Too many tries. Wait a minute, then try again.'); return }
  if (!response.ok) { say('Something went wrong. Try again later.'); return }
  const manifest = await response.json()
  const keyBytes = b64urlBytes(payload.key)
  for (const file of manifest.files || []) {
    const jwe = file.embedded || await (await fetch(file.location)).text()
    const { plain } = await decrypt(jwe, keyBytes)
    if (file.contentType === 'application/fhir+json') {
      let bundle
      try { bundle = JSON.parse(new TextDecoder().decode(plain)) } catch (error) { throw new Damaged(DAMAGED_FILE) }
      showBundle(bundle, payload.label)
    }
  }
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
    document.getElementById('passcode-group').hidden = !(current.flag || '').includes('P')
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
  const passcode = (current.flag || '').includes('P') ? document.getElementById('passcode').value : ''
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
