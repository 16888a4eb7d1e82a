// "See what they will see" on the link-made page: decrypts the very file the link shares, with
// the key in the link on this page, and lays it out as the viewer does (shared-record.js). No
// request is made, so the preview is not logged as someone opening the link.

import { b64urlBytes, bundleOf, decrypt, showBundle } from './shared-record.js'

const box = document.getElementById('preview-record')
const link = document.getElementById('share-link')

async function preview () {
  const fragment = link.value.slice(link.value.indexOf('#shlink:/') + 9)
  const payload = JSON.parse(new TextDecoder().decode(b64urlBytes(fragment)))
  const { plain } = await decrypt(box.dataset.file, b64urlBytes(payload.key))
  showBundle(bundleOf(plain), box, title => { document.getElementById('preview-title').textContent = title })
}

preview().catch(() => {
  box.replaceChildren()
  box.textContent = 'The preview could not be shown. The link still works.'
  box.hidden = false
})
