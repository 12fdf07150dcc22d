export interface NavItem {
  label: string;
  href: string;
  icon?: string | undefined;
  /** Current only on this very path (not below it). */
  exact?: boolean;
}
