// The list a clip was opened from, so that the player steps to the clip above or below it (J/K,
// the previous/next buttons) in the order the manager saw. Kept per tab: another tab may be
// looking at another list.
const KEY = 'earshot.clipSequence';

/** Called by the list each time it shows more rows: the clip ids in the order shown. */
export function rememberClipSequence(ids) {
  sessionStorage.setItem(KEY, JSON.stringify(ids));
}

/** The clips before and after `id` in the remembered list; none when it was opened elsewhere. */
export function clipNeighbours(id) {
  let ids = [];
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    if (Array.isArray(stored)) ids = stored;
  } catch {
    // a damaged entry means no list: the buttons stay off
  }
  const index = ids.indexOf(id);
  if (index < 0) return { previous: undefined, next: undefined };
  return { previous: ids[index - 1], next: ids[index + 1] };
}
