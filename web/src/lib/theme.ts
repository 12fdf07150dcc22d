// Dark or light, remembered per user: a cookie named after the user id (readable by the server
// for the first paint, written by the theme switch).

export type Theme = 'light' | 'dark';

export const themeCookie = (userId: string) => `ev_theme_${userId.replace(/[^a-zA-Z0-9-]/g, '')}`;

export function applyTheme(theme: Theme, userId: string, base: string): void {
  const root = document.documentElement;
  root.classList.toggle('dark', theme === 'dark');
  root.classList.toggle('light', theme === 'light');
  const secure = location.protocol === 'https:' ? '; secure' : '';
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every supported browser
  document.cookie = `${themeCookie(userId)}=${theme}; path=${base || '/'}; max-age=31536000; samesite=lax${secure}`;
}

export function currentTheme(): Theme {
  return document.documentElement.classList.contains('dark') ? 'dark' : 'light';
}
