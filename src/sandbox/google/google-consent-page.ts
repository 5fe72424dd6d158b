import type { Mailbox } from './google-types';
import { escapeHtml } from '../shared/html';

export interface ConsentPageInput {
  clientName: string;
  scopes: string[];
  mailboxes: Mailbox[];
  loginHint?: string;
  /** Original authorization request parameters, echoed back as hidden fields. */
  params: Record<string, string>;
  actionPath: string;
  allowNewMailbox: boolean;
}

/** A deliberately plain page: an account picker plus Allow / Deny, like Google's consent screen. */
export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = Object.entries(input.params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const hint = input.loginHint?.toLowerCase();
  const accounts = input.mailboxes
    .map((m, i) => {
      const checked = m.email === hint || (!hint && i === 0) ? ' checked' : '';
      return `<label><input type="radio" name="mailbox" value="${escapeHtml(m.email)}"${checked}> ${escapeHtml(m.displayName)} &lt;${escapeHtml(m.email)}&gt;</label><br>`;
    })
    .join('\n');
  const newMailbox = input.allowNewMailbox
    ? `<p>or another account: <input type="email" name="new_mailbox" placeholder="someone@example.com" value="${
        hint && !input.mailboxes.some((m) => m.email === hint) ? escapeHtml(hint) : ''
      }"></p>`
    : '';
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Sign in - Google Accounts (emulator)</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>Google OAuth emulator</h1>
<p><strong>${escapeHtml(input.clientName)}</strong> wants to access your Google Account:</p>
<ul>${scopes}</ul>
<form method="post" action="${escapeHtml(input.actionPath)}">
${hidden}
<fieldset><legend>Choose an account</legend>
${accounts || '<p>No mailboxes exist yet.</p>'}
${newMailbox}
</fieldset>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body></html>`;
}

export function renderErrorPage(error: string, description: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Error 400: ${escapeHtml(error)}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>Access blocked: authorization error</h1>
<p>Error 400: <code>${escapeHtml(error)}</code></p>
<p>${escapeHtml(description)}</p>
</body></html>`;
}
