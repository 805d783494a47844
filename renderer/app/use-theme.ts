/** Applies the theme: the setting, or the OS's (prefers-color-scheme) when it says `system`. */
import { useEffect } from 'react';
import { useApp } from './contexts.js';

const DARK_QUERY = '(prefers-color-scheme: dark)';

export function useTheme(): void {
  const setting = useApp((s) => s.settings?.theme ?? 'system');
  const setTheme = useApp((s) => s.setTheme);
  useEffect(() => {
    const media = window.matchMedia(DARK_QUERY);
    const apply = (): void => {
      const theme = setting === 'system' ? (media.matches ? 'dark' : 'light') : setting;
      document.documentElement.dataset.theme = theme;
      setTheme(theme);
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [setting, setTheme]);
}
