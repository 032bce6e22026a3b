// Runs before the page is drawn (not deferred), so that styles meant for a page with
// JavaScript (the folded menu, drag handles) apply from the first paint.
document.documentElement.classList.add("js");
