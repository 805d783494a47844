/** Pairs with an agent: its address (or PeerId found on the LAN) and the one-time code it printed. */
import { useState } from 'react';
import { useApp } from '../../app/contexts.js';

export function PairForm({ initialAddr = '' }: { initialAddr?: string }) {
  const pairing = useApp((s) => s.pairing);
  const pairAgent = useApp((s) => s.pairAgent);
  const [addr, setAddr] = useState(initialAddr);
  const [code, setCode] = useState('');
  return (
    <form
      className="pair-form"
      data-testid="pair-form"
      onSubmit={(e) => {
        e.preventDefault();
        void pairAgent(addr, code).then((ok) => {
          if (ok) setCode('');
        });
      }}
    >
      <label>
        Address
        <input data-testid="pair-addr" value={addr} onChange={(e) => setAddr(e.target.value)} placeholder="/ip4/192.168.1.20/tcp/4001/p2p/12D3Koo… or a PeerId" required />
      </label>
      <label>
        Pairing code
        <input data-testid="pair-code" value={code} onChange={(e) => setCode(e.target.value)} placeholder="as printed by claudecluster-agent --pair" autoComplete="off" required />
      </label>
      <button type="submit" className="primary" data-testid="pair-submit" disabled={pairing.busy || addr.trim() === '' || code.trim() === ''}>
        {pairing.busy ? 'Pairing…' : 'Pair'}
      </button>
      {pairing.error ? <p className="error-text" role="alert" data-testid="pair-error">{pairing.error}</p> : null}
    </form>
  );
}
