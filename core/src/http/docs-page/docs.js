// The API reference page: signs in (the token stays in this tab's sessionStorage), fetches the
// company's OpenAPI document and renders it with Scalar (served by the platform, no CDN).
const KEY = 'elevate.api-docs.token';
const form = document.getElementById('signin');
const error = form.querySelector('.error');

function signIn(message) {
  sessionStorage.removeItem(KEY);
  error.textContent = message ?? '';
  form.tenant.value ||= new URLSearchParams(location.search).get('tenant') ?? '';
  form.hidden = false;
}

async function show(token) {
  const res = await fetch('/api/v1/openapi.json', { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) return signIn(res.status === 401 ? 'Your session ended: sign in again.' : `Error ${res.status}`);
  form.hidden = true;
  window.Scalar.createApiReference('#app', {
    content: await res.json(),
    // Self-hosted and offline: no font CDN, no telemetry, no hosted AI agent or dev toolbar.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: 'never',
    authentication: { preferredSecurityScheme: 'bearer', securitySchemes: { bearer: { token } } },
  });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { tenant: form.tenant.value, email: form.email.value, password: form.password.value };
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const out = await res.json().catch(() => ({}));
  if (!res.ok) return signIn(out.message ?? `Error ${res.status}`);
  sessionStorage.setItem(KEY, out.accessToken);
  await show(out.accessToken);
});

const saved = sessionStorage.getItem(KEY);
if (saved) show(saved);
else signIn();
