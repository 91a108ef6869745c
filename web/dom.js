// The one way this page builds DOM: elements and text nodes, never HTML strings, because
// every name shown (user, model, tool) is untrusted text sent through telemetry.

// Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) would
// reorder the text around them ("gpt‮4-tset" shown as something else). Every text this page
// sets is passed through inert(), which shows each as a visible ⟦U+202E⟧ marker instead.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** `text` with every bidirectional control replaced by a visible, inert marker. */
export function inert(text) {
  return String(text).replace(BIDI_CONTROLS, (c) => `⟦U+${c.codePointAt(0).toString(16).toUpperCase()}⟧`);
}

/**
 * el('a', {href: '#team', class: 'x', text: 'Team'}, child, ...)
 * `text` sets textContent, `on*` adds listeners, `dataset` fills data-*, other keys are
 * attributes (true → present, false/null → absent). Children are nodes or strings (text).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = inert(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : inert(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(inert(child)));
  }
}

/** Replaces everything inside `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

let nextId = 0;
/** A unique id for aria-labelledby / aria-describedby pairs. */
export function uniqueId(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}
