// Initialise every GOV.UK Frontend component on the page.
// Loaded as <script type="module" src="{% static 'govuk/goldthread-init.js' %}">
// so that pages need no inline module script (keeps the CSP simple).
// The relative import resolves next to this file in /static/govuk/.
import { initAll } from "./govuk-frontend.min.js";

initAll();
