// Light or dark: the system's choice unless the person picked one, remembered in localStorage.
export type ThemeChoice = "system" | "light" | "dark";
export const THEME_STORAGE_KEY = "theme";

/** Runs before the first paint (inline in <head>) so a chosen theme never flashes the other one. */
export const THEME_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;
