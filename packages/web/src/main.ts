import './components/amr-app/amr-app.js';
