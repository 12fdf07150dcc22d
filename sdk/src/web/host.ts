// What the app shell (the web package) uses to host addon pages; addons never import this.
export { provideKit } from './context.ts';
export { DEFAULT_FORMAT, setFormatSettings, setFormatSource } from './format.ts';
export { currentLanguage, loadLanguage, setLanguageSource, setPageLanguage } from './i18n.ts';
export { sessionEndedUrl } from './load.ts';
