// The record a sharing link carries, decrypted and laid out. The viewer (viewer.js) and the
// owner's preview on the link-made page (link-preview.js) both use this, so the preview shows
// exactly what the recipient will see. Everything shown is set as text, never as HTML.

export function b64urlBytes (text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4)
  const raw = atob(b64)
  return Uint8Array.from(raw, c => c.charCodeAt(0))
}

export const DAMAGED_FILE = 'The shared record has been changed or damaged since it was shared, so it cannot be shown. Ask the person who shared it for a new link.'

export class Damaged extends Error {}

export async function decrypt (jwe, keyBytes) {
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

// The FHIR bundle in a decrypted file, or Damaged.
export function bundleOf (plain) {
  try { return JSON.parse(new TextDecoder().decode(plain)) } catch (error) { throw new Damaged(DAMAGED_FILE) }
}

export function el (tag, text, attrs = {}) {
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

// An NHS number as people write it: 999 123 4567.
function nhsNumber (value) {
  const digits = String(value || '').replace(/\s/g, '')
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value
}

function table (caption, headings, rows, id) {
  const t = el('table', null, id ? { class: 'nhsuk-table', id } : { class: 'nhsuk-table' })
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

function listOf (items, id) {
  const ul = el('ul', null, id ? { id } : {})
  items.forEach(i => ul.append(el('li', i)))
  return ul
}

const ALLERGIES = '48765-2'
const MEDICINES = '10160-0'
const PROBLEMS = ['11450-4', '11348-0']
const IMMUNISATIONS = '11369-6'
const severityWords = { mild: 'Mild', moderate: 'Moderate', severe: 'Severe' }

// Lays out `bundle` in `box`. `setTitle` is given the name of the document.
export function showBundle (bundle, box, setTitle) {
  const resources = (bundle.entry || []).map(e => e.resource || {})
  const byUrl = new Map((bundle.entry || []).map(e => [e.fullUrl, e.resource || {}]))
  const of = type => resources.filter(r => r.resourceType === type)
  const composition = of('Composition')[0] || {}
  const sections = composition.section || []
  const codeOf = (concept) => (((concept || {}).coding || [{}])[0] || {}).code
  // What a section with nothing in it says: none known, or nothing shared in this link.
  const emptyWords = (codes, noneKnown, what) => {
    const said = sections.filter(s => codes.includes(codeOf(s.code)))
    return said.some(s => codeOf(s.emptyReason) === 'nilknown' || (s.entry || []).length)
      ? el('p', noneKnown)
      : el('p', `No information about ${what} in this link.`)
  }

  const patient = of('Patient')[0] || {}
  const names = patient.name || []
  const official = names.find(n => n.use !== 'usual') || names[0] || {}
  const usual = names.find(n => n.use === 'usual')
  const fullName = [...(official.given || []), official.family].filter(Boolean).join(' ')
  setTitle(composition.title || 'A shared health record')
  box.replaceChildren()
  box.append(el('h2', fullName, { id: 'patient-name', dir: 'auto' }))
  const sharers = (composition.author || []).filter(a => a.display && ['Patient', 'Practitioner'].includes((byUrl.get(a.reference) || {}).resourceType))
  if (sharers.length) {
    const on = composition.date ? ', on ' + longDate(composition.date) : ''
    box.append(el('p', `Shared by ${sharers.map(a => a.display).join(' and ')}${on}`, { id: 'shared-by' }))
  }
  if (usual) box.append(el('p', 'Likes to be called ' + (usual.given || []).join(' ')))
  if (patient.birthDate) box.append(el('p', 'Born ' + longDate(patient.birthDate)))
  const nhs = (patient.identifier || []).find(i => i.system === 'https://fhir.nhs.uk/Id/nhs-number')
  if (nhs) box.append(el('p', 'NHS number ' + nhsNumber(nhs.value), { id: 'nhs-number' }))

  // A refuted allergy never was one; a resolved one is not any more.
  const allergies = of('AllergyIntolerance')
    .filter(a => codeOf(a.verificationStatus) !== 'refuted' && codeOf(a.clinicalStatus) !== 'resolved')
    .map(a => {
      const reaction = (a.reaction || [])[0] || {}
      const noted = (a.note || []).map(n => n.text || '').find(t => t.startsWith('Severity: '))
      const severity = reaction.severity || (noted ? noted.slice(10) : '')
      return [(a.code && a.code.text) || 'Allergy',
        (reaction.manifestation || []).map(m => m.text || codeOf(m)).filter(Boolean).join(', ') || 'Not recorded',
        severityWords[severity] || 'Not recorded']
    })
  box.append(allergies.length
    ? table('Allergies', ['Allergy', 'Reaction', 'Severity'], allergies, 'allergies')
    : el('h3', 'Allergies'), ...(allergies.length ? [] : [emptyWords([ALLERGIES], 'No known allergies.', 'allergies')]))

  // Only an active statement is a medicine taken now; a completed or stopped one is history.
  const medicineName = m => (m.medicationCodeableConcept && m.medicationCodeableConcept.text) || 'Medicine'
  const statements = of('MedicationStatement')
  const current = statements.filter(m => m.status === 'active' || m.status === 'intended')
  const stopped = statements.filter(m => !current.includes(m)).map(m => {
    const end = (m.effectivePeriod || {}).end
    return medicineName(m) + (end ? ` (stopped on ${longDate(end)})` : ' (stopped)')
  })
  box.append(el('h3', 'Medicines taken now'))
  box.append(current.length
    ? listOf(current.map(medicineName), 'medicines-now')
    : statements.length ? el('p', 'None.') : emptyWords([MEDICINES], 'No medicines recorded.', 'medicines'))
  if (stopped.length) {
    box.append(el('h3', 'Medicines stopped'))
    box.append(listOf(stopped, 'medicines-stopped'))
  }

  const statusOf = c => codeOf(c.clinicalStatus)
  const refuted = c => codeOf(c.verificationStatus) === 'refuted'
  const conditions = of('Condition').filter(c => !refuted(c)).map(c =>
    ((c.code && c.code.text) || 'Condition') + (['resolved', 'inactive', 'remission'].includes(statusOf(c)) ? ' (in the past)' : ''))
  box.append(el('h3', 'Health conditions'))
  box.append(conditions.length ? listOf(conditions, 'conditions') : emptyWords(PROBLEMS, 'None recorded.', 'health conditions'))

  // Vaccinations in the order they were given.
  const vaccineName = i => (i.vaccineCode && i.vaccineCode.text) || 'Vaccination'
  const vaccineDay = i => (i.occurrenceDateTime || i.occurrenceString || '').slice(0, 10)
  const byDate = (a, b) => vaccineDay(a).localeCompare(vaccineDay(b))
  const given = of('Immunization').filter(i => i.status !== 'not-done').sort(byDate)
  box.append(given.length
    ? table('Vaccinations', ['Vaccination', 'Date'], given.map(i => [vaccineName(i), longDate(vaccineDay(i))]), 'vaccinations')
    : el('h3', 'Vaccinations'), ...(given.length ? [] : [emptyWords([IMMUNISATIONS], 'No vaccinations are recorded.', 'vaccinations')]))
  // A dose declined (PATOBJ) or not safe to give (MEDPREC): a decision, listed on its own.
  const notGivenWords = { PATOBJ: 'Declined', MEDPREC: 'Not safe to give' }
  const notGiven = of('Immunization').filter(i => i.status === 'not-done').sort(byDate).map(i => {
    const reason = i.statusReason || {}
    const why = notGivenWords[codeOf(reason)] || 'Not given'
    return [vaccineName(i), longDate(vaccineDay(i)), reason.text ? why + ' (' + reason.text + ')' : why]
  })
  if (notGiven.length) {
    box.append(table('Vaccinations not given', ['Vaccination', 'Date', 'Why'], notGiven))
  }

  // Health checks, and what the young person said at them, when the link carries them.
  const checks = of('ClinicalImpression').sort((a, b) => (a.date || '').localeCompare(b.date || ''))
  if (checks.length) {
    box.append(table('Health checks', ['Date', 'Health check', 'Summary'],
      checks.map(c => [longDate(c.date || c.effectiveDateTime), c.description || ((c.code || {}).text) || 'Health check', c.summary || '']), 'health-checks'))
    const words = checks.flatMap(c => (c.note || []).map(n => [c.date, (n.text || '').replace(/^In the young person's own words: /, '')]))
      .filter(w => w[1])
    if (words.length) {
      box.append(el('h3', 'In their own words'))
      box.append(listOf(words.map(w => `${longDate(w[0])}: “${w[1]}”`), 'own-words'))
    }
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
  if (hospital.length) {
    box.append(el('h3', 'Time in hospital'))
    box.append(listOf(hospital, 'hospital-episodes'))
  }

  const family = of('FamilyMemberHistory').map(f =>
    `${(f.relationship || {}).text || 'Family member'}: ${(f.condition || []).map(c => (c.code || {}).text).filter(Boolean).join(', ')}`)
  if (family.length) {
    box.append(el('h3', 'Family health history'))
    box.append(listOf(family, 'family-history'))
  }

  // What the young person added themselves, marked as theirs (the section's author is them).
  const ownSection = sections.find(s => (s.code || {}).text === 'Things the young person added')
  if (ownSection) {
    const own = (ownSection.entry || []).map(e => byUrl.get(e.reference) || {})
    const said = kind => own.filter(r => r.resourceType === 'Communication' && ((r.category || [])[0] || {}).text === kind)
      .map(r => ({ text: ((r.payload || [])[0] || {}).contentString || '', sent: r.sent }))
    const box2 = el('section', null, { id: 'own-part', class: 'app-own-part', 'aria-labelledby': 'own-part-heading' })
    const who = (official.given || [])[0] || 'the young person'
    box2.append(el('h3', `Things ${who} added`, { id: 'own-part-heading', dir: 'auto' }))
    box2.append(el('p', `Written by ${who} in their own words. A nurse or doctor did not write or check this part.`, { id: 'own-part-by', dir: 'auto' }))
    const name = said('Likes to be called')[0]
    const pronouns = said('Pronouns')[0]
    if (name || pronouns) {
      const words = name ? `Likes to be called ${name.text}${pronouns ? ` (${pronouns.text})` : ''}` : `Pronouns: ${pronouns.text}`
      box2.append(el('p', words, { id: 'own-name', dir: 'auto' }))
    }
    const matters = said('What matters to me')[0]
    if (matters) {
      box2.append(el('h4', 'What matters to them'))
      box2.append(el('p', matters.text, { id: 'own-what-matters', class: 'app-pre-wrap app-wrap-anywhere', dir: 'auto' }))
    }
    const appointments = own.filter(r => r.resourceType === 'Appointment').map(a => {
      const day = (a.start || ((a.requestedPeriod || [])[0] || {}).start || '').slice(0, 10)
      const time = a.start ? ' at ' + a.start.slice(11, 16) : ''
      const where = (a.participant || []).map(p => (p.actor || {}).display).filter(Boolean)[0]
      return [day, `${a.description || 'Appointment'}: ${longDate(day)}${time}${where ? ', ' + where : ''}`]
    }).sort((a, b) => a[0].localeCompare(b[0])).map(a => a[1])
    if (appointments.length) {
      box2.append(el('h4', 'Their appointments'))
      const list = listOf(appointments, 'own-appointments')
      list.classList.add('app-wrap-anywhere')
      box2.append(list)
    }
    const notes = said('Note written by the young person').map(n => `${longDate(n.sent)}: ${n.text}`)
    if (notes.length) {
      box2.append(el('h4', 'Their notes'))
      const list = listOf(notes, 'own-notes')
      list.classList.add('app-pre-wrap', 'app-wrap-anywhere')
      box2.append(list)
    }
    box.append(box2)
  }

  for (const ref of of('DocumentReference')) {
    const attachment = ((ref.content || [])[0] || {}).attachment || {}
    if (attachment.contentType === 'application/pdf' && attachment.data) {
      const bytes = Uint8Array.from(atob(attachment.data), c => c.charCodeAt(0))
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }))
      const link = el('a', 'Download the PDF to print or keep', { href: url, download: (attachment.title || 'health-record') + '.pdf', class: 'nhsuk-button', id: 'download-pdf' })
      box.append(el('h3', 'The document'), link)
    }
  }
  box.hidden = false
}
