// "Copy link" and "Share" for a link just made (templates/components/link_box.html).
const box = document.getElementById('share-link')
const copy = document.getElementById('copy-link')
const send = document.getElementById('send-link')
const status = document.getElementById('copy-status')

if (box && copy && navigator.clipboard) {
  copy.hidden = false
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(box.value)
      status.textContent = 'Link copied. You can paste it into a message or an email.'
    } catch {
      box.select()
      status.textContent = 'The link could not be copied here. It is selected: copy it yourself.'
    }
  })
}

if (box && send && navigator.share) {
  send.hidden = false
  send.addEventListener('click', () => {
    navigator.share({ title: 'Health record', url: box.value }).catch(() => {})
  })
}
