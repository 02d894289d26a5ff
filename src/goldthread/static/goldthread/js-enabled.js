// Tell GOV.UK Frontend's styles that JavaScript runs (and whether its components are supported) before the page
// is drawn, as GOV.UK's page template does. A file rather than GOV.UK's inline snippet, so the
// Content-Security-Policy needs no inline script. Loaded as the first thing in <body>, without defer.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
