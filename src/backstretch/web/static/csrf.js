// Headers for a JSON write. In clinic mode each write carries the CSRF token the server keeps in a cookie (another
// site can neither read nor set it); on one person's own computer there is no such cookie and no header.
export function jsonHeaders() {
  const found = document.cookie.match(/(?:^|;\s*)backstretch_csrf=([^;]+)/);
  const token = found ? { "X-CSRF-Token": decodeURIComponent(found[1]) } : {};
  return { "Content-Type": "application/json", ...token };
}
