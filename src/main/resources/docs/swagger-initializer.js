// The page's policy allows no inline script, so Swagger UI is started from this file.
window.onload = function () {
  var contracts = ["fleet-registration", "session-worker-gateway", "command-executor", "provider-registry",
    "vps-marketplace", "operator"];
  window.ui = SwaggerUIBundle({
    urls: [{ url: "/openapi.json", name: "all contracts" }].concat(contracts.map(function (c) {
      return { url: "/openapi/" + c + ".json", name: c };
    })),
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Swagger's public validator would be a call to the internet.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
