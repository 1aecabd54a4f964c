// Starts Swagger UI on this server's OpenAPI document. A file of its own: the page's CSP allows no inline script.
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
