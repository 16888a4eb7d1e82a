// The invitation's token is in the link's #fragment, which never reaches a server on its own:
// copy it into the form (which sends it once, with the new password), then take it out of the
// address bar so it is not carried on to the next page or left in the history.
const field = document.getElementById('invitation-token')
const token = decodeURIComponent((window.location.hash || '').slice(1))
if (field && token && !field.value) field.value = token
if (window.location.hash) window.history.replaceState(null, '', window.location.pathname)
