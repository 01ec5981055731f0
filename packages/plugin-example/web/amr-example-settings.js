// A plugin web part: a plain custom element (no build step, no bare imports), mounted by the
// shell in the "driver-settings" slot of the example.fixture-file driver. It receives the
// settings in `value` and reports changes with an `amr-change` event carrying the new settings.
class AmrExampleSettings extends HTMLElement {
  #value = { path: '' };

  set value(v) {
    this.#value = { path: '', ...(v ?? {}) };
    this.#render();
  }

  get value() {
    return this.#value;
  }

  connectedCallback() {
    this.#render();
  }

  #render() {
    const ru = (document.documentElement.lang || 'ru').startsWith('ru');
    this.innerHTML = '';
    const label = document.createElement('label');
    label.textContent = ru ? 'Путь к файлу показаний (абсолютный)' : 'Readings file path (absolute)';
    const input = document.createElement('input');
    input.name = 'path';
    input.required = true;
    input.placeholder = '/var/lib/openamr/example/readings.csv';
    input.value = this.#value.path;
    input.style.cssText = 'display:block;width:100%;margin-top:4px';
    input.addEventListener('input', () => {
      this.#value = { ...this.#value, path: input.value };
      this.dispatchEvent(new CustomEvent('amr-change', { detail: this.#value, bubbles: true, composed: true }));
    });
    label.append(input);
    this.append(label);
  }
}

if (!customElements.get('amr-example-settings')) customElements.define('amr-example-settings', AmrExampleSettings);
