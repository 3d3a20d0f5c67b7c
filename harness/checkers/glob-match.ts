const cache = new Map<string, RegExp>();

function compile(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` is zero or more whole directories; a `**` elsewhere is anything, separators included.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/**
 * Whether `path` (relative, '/'-separated; a trailing '/' marks a directory and is ignored)
 * matches `glob`. `*` is any run of characters but '/', `?` one character but '/', `**` any run
 * including '/' (`**\/` zero or more directories). A glob without '/' is matched against the
 * basename, as in `.gitignore`; a leading '/' or './' anchors it to the root. Unlike a shell,
 * `*` matches a leading dot, so `*.lock` matches `.topic_number.lock`.
 */
export function globMatch(glob: string, path: string): boolean {
  const p = path.replace(/\/+$/, '').replace(/^\.\//, '');
  let g = glob.replace(/\/+$/, '');
  const anchored = g.startsWith('/') || g.startsWith('./');
  g = g.replace(/^\.?\//, '');
  const subject = anchored || g.includes('/') ? p : p.slice(p.lastIndexOf('/') + 1);
  let re = cache.get(g);
  if (re === undefined) {
    re = compile(g);
    cache.set(g, re);
  }
  return re.test(subject);
}
