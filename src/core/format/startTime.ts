/**
 * When a sweep started, short enough for a tree label and a code lens: "Dec 3 14:05" in local
 * time, with the year when it is not the current one ("Dec 3 2024 14:05"). Pure.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatStartTime(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const year = d.getFullYear() === new Date(now).getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${MONTHS[d.getMonth()]} ${d.getDate()}${year} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
