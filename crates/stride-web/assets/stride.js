// Starts GOV.UK Frontend's components. Loaded as a module from a file, so the Content Security
// Policy needs no inline script; pages work without it.
import { initAll } from '/assets/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
