// Entry: picks the bridge, builds the store on it, feeds it the driver's events, renders the app.
import '@xterm/xterm/css/xterm.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/run.css';
import './styles/terminals.css';
import './styles/diff.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { BridgeContext, StoreContext } from './app/contexts.js';
import { connectBridge } from './bridge/connect.js';
import { createAppStore, loadInitialState, wireBridgeEvents, type AppStore } from './store/app-store.js';

// The socket's events fire only after this script has run, so they find the store built below.
const late: { store?: AppStore } = {};
const connection = connectBridge(window, {
  open: () => late.store?.getState().setConnected(),
  close: (reason) => late.store?.getState().setDisconnected(reason),
});
const store = createAppStore(connection.api);
late.store = store;
if (connection.kind === 'electron') store.getState().setConnected();
wireBridgeEvents(store, connection.api);
void loadInitialState(store);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StoreContext value={store}>
      <BridgeContext value={connection.api}>
        <App />
      </BridgeContext>
    </StoreContext>
  </StrictMode>,
);
