// Starts GOV.UK Frontend's components and the service's own behaviours on every page.
import { CharacterCount, initAll } from "../../govuk/govuk-frontend.min.js";
import { startCharts } from "./charts.mjs";
import { startKeepingTyping } from "./keep-typing.mjs";
import { startProgress } from "./progress.mjs";
import { startSessionTimeout } from "./session-timeout.mjs";

// A word limit counts words as the server does (count_words in core/text.py): hyphens, dashes and invisible
// joiners separate words too, so the live count never promises room that the server will then refuse.
const WORD = /[^\s\-\u2010-\u2015\u200b-\u200d\u2060\ufeff]+/g;
const countAnyWay = CharacterCount.prototype.updateCount;
CharacterCount.prototype.updateCount = function updateCount() {
  if (this.config.maxwords === undefined) return countAnyWay.call(this);
  this.count = (this.$textarea.value.match(WORD) || []).length;
};

initAll();
const keepers = [...document.querySelectorAll('form[data-module="app-keep-typing"]')].map(startKeepingTyping);
startSessionTimeout(document.getElementById("session-timeout"), keepers);
startProgress(document.querySelector('[data-module="app-progress"]'));
startCharts(document.querySelectorAll('[data-module="app-chart"]'));
