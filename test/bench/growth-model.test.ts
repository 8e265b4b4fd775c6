import { expect } from 'chai';
import {
  admissionSignatures,
  formatFigure,
  linearFit,
  policyChars,
  project,
  STEP_HEADER,
  stepRow,
  table,
  type GrowthStep,
} from '../../bench/growth-model.js';

const step = (orgs: number, configBlockBytes: number, policy: number): GrowthStep => ({
  orgs,
  added: orgs === 4 ? '' : `Insurer${orgs}MSP`,
  signatures: 3,
  proposeMs: 10.4,
  signMs: 20.6,
  submitMs: 30,
  configBlockBytes,
  joinMs: 40,
  approvals: orgs,
  approveMs: 50,
  commitMs: 60,
  policyChars: policy,
  peerRssMb: 70.2,
  oursTps: 50,
  blindTps: 62.5,
});

describe('growth bench: projection arithmetic and table', () => {
  it('fits a straight line through exact points and refuses what is no line', () => {
    const l = linearFit([
      [4, 30_000],
      [5, 33_500],
      [12, 58_000],
    ]);
    expect(l.b).to.be.closeTo(3500, 1e-9);
    expect(l.a).to.be.closeTo(16_000, 1e-9);
    expect(() => linearFit([[4, 1]])).to.throw(/two points/);
    expect(() =>
      linearFit([
        [4, 1],
        [4, 2],
      ]),
    ).to.throw(/different x/);
  });

  it('projects the config block and the policy to 313 organisations along the additions’ lines', () => {
    // The founders' block carries another kind of last update (the council's founding): not on the additions' line.
    const steps = [step(4, 25_000, 90), step(5, 33_500, 108), step(6, 37_000, 126)];
    expect(project(steps, 313)).to.deep.equal({
      orgs: 313,
      configBlockBytes: 33_500 + 308 * 3500,
      policyChars: 108 + 308 * 18,
      bytesPerOrg: 3500,
    });
  });

  it('counts the endorsement policy text the lifecycle verbs write', () => {
    // OutOf(2,'AssociationMSP.peer','Insurer1MSP.peer')
    const text = "OutOf(2,'AssociationMSP.peer','Insurer1MSP.peer')";
    expect(policyChars(['AssociationMSP'.length, 'Insurer1MSP'.length])).to.equal(text.length);
  });

  it('needs a majority of the channel by default, the chair and a council majority with a council', () => {
    expect(admissionSignatures(313, 3)).to.deep.equal({ majority: 157, council: 3 });
    expect(admissionSignatures(12, 10)).to.deep.equal({ majority: 7, council: 7 });
  });

  it('prints one aligned row per step, numbers right-aligned, the ratio of ours to the blind put', () => {
    const text = table(STEP_HEADER, [stepRow(step(4, 30_000, 90)), stepRow(step(5, 33_500, 108))]);
    const lines = text.split('\n');
    expect(lines).to.have.length(4);
    expect(new Set(lines.map((l) => l.length)).size).to.equal(1);
    expect(lines[2]).to.match(/^ {3}4 \| \(founders\)/);
    expect(lines[3]).to.include('Insurer5MSP');
    expect(lines[3]).to.match(/\| 0\.800$/);
    expect(lines[3]).to.match(/ 33500 \| /);
  });

  it('writes integers whole and others to three figures', () => {
    expect(formatFigure(33500)).to.equal('33500');
    expect(formatFigure(58.71)).to.equal('58.7');
    expect(formatFigure(123.6)).to.equal('124');
    expect(formatFigure(NaN)).to.equal('NaN');
  });
});
