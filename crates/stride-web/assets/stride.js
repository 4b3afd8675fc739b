// Starts GOV.UK Frontend's components. Loaded as a module from a file, so the Content Security
// Policy needs no inline script; pages work without it.
import { initAll } from '/assets/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// A page of long work (an import) marks the part that changes with data-stride-refresh: it is
// fetched again each second and swapped in, until the new copy is no longer marked. The page's
// status line is a live region, so a screen reader hears progress without losing its place.
const followed = document.querySelector('[data-stride-refresh]')
if (followed) {
  const follow = async () => {
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin' })
      const page = new DOMParser().parseFromString(await response.text(), 'text/html')
      const fresh = page.getElementById(followed.id)
      if (!fresh) return
      followed.innerHTML = fresh.innerHTML
      if (fresh.hasAttribute('data-stride-refresh')) {
        window.setTimeout(follow, 1000)
      } else {
        followed.removeAttribute('data-stride-refresh')
        document.title = page.title
      }
    } catch {
      window.setTimeout(follow, 3000)
    }
  }
  window.setTimeout(follow, 1000)
}
