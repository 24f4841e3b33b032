// Starts GOV.UK Frontend's components and the service's own behaviours on every page.
import { initAll } from "../../govuk/govuk-frontend.min.js";
import { startCharts } from "./charts.mjs";
import { startProgress } from "./progress.mjs";
import { startSessionTimeout } from "./session-timeout.mjs";

initAll();
startSessionTimeout(document.getElementById("session-timeout"));
startProgress(document.querySelector('[data-module="app-progress"]'));
startCharts(document.querySelectorAll('[data-module="app-chart"]'));
