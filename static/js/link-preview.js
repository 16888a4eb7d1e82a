// "See what they will see", laid out as the viewer lays it out (shared-record.js). Two cases:
// - on the link-made page: decrypts the very file the link shares, with the key in the link on
//   this page;
// - on the new-link page, before any link is made: the bundle a link with the ticked parts
//   would carry, given to the page as JSON by the server (the same code builds both).
// No request is made, so the preview is never logged as someone opening a link.

import { b64urlBytes, bundleOf, decrypt, showBundle } from './shared-record.js'

const box = document.getElementById('preview-record')
const unmade = document.getElementById('preview-bundle')
const setTitle = title => { document.getElementById('preview-title').textContent = title }

async function preview () {
  if (unmade) {
    showBundle(JSON.parse(unmade.textContent), box, setTitle)
    const heading = document.getElementById('preview-heading')
    heading.scrollIntoView()
    heading.focus({ preventScroll: true })
    return
  }
  const link = document.getElementById('share-link')
  const fragment = link.value.slice(link.value.indexOf('#shlink:/') + 9)
  const payload = JSON.parse(new TextDecoder().decode(b64urlBytes(fragment)))
  const { plain } = await decrypt(box.dataset.file, b64urlBytes(payload.key))
  showBundle(bundleOf(plain), box, setTitle)
}

preview().catch(() => {
  box.replaceChildren()
  box.textContent = unmade
    ? 'The preview could not be shown. You can still make the link.'
    : 'The preview could not be shown. The link still works.'
  box.hidden = false
})
