import type { NpsClass } from './nps-class.js';
import type { NpsPeriodCounts } from './nps-period-counts.js';

/** NPS counts of a group of answers, as they are added one at a time. */
export interface NpsCounts {
  /** %promoters − %detractors, −100..100, one decimal; null without answers. */
  nps: number | null;
  /** Answers with a score in force. */
  answers: number;
  promoters: number;
  passives: number;
  detractors: number;
}

export class NpsTally {
  private promoters = 0;
  private passives = 0;
  private detractors = 0;
  /** NPS clips read, with or without a score. */
  private read = 0;
  private heard = 0;

  /**
   * `clips` NPS clips of one answer class, as the database classed and counted them (nps-class.ts;
   * null: no score), and whether the question was heard asked.
   */
  add(npsClass: NpsClass | null, questionHeard: boolean, clips: number): void {
    this.read += clips;
    if (questionHeard) this.heard += clips;
    if (npsClass === 'promoter') this.promoters += clips;
    else if (npsClass === 'passive') this.passives += clips;
    else if (npsClass === 'detractor') this.detractors += clips;
  }

  /** A group's counts as `nps_counts` keeps them (nps-period-counts.ts). */
  addCounts(counts: Pick<NpsPeriodCounts, 'nps_clips' | 'heard' | 'promoters' | 'passives' | 'detractors'>): void {
    this.read += counts.nps_clips;
    this.heard += counts.heard;
    this.promoters += counts.promoters;
    this.passives += counts.passives;
    this.detractors += counts.detractors;
  }

  counts(): NpsCounts {
    const answers = this.promoters + this.passives + this.detractors;
    return {
      nps: answers === 0 ? null : Math.round(((this.promoters - this.detractors) / answers) * 1000) / 10,
      answers,
      promoters: this.promoters,
      passives: this.passives,
      detractors: this.detractors,
    };
  }

  /** Of the NPS clips read: the share where the question was heard asked, and the share with a score. */
  rates(): { read: number; questionHeardRate: number | null; answeredRate: number | null } {
    const share = (n: number) => (this.read === 0 ? null : Math.round((n / this.read) * 1000) / 1000);
    return { read: this.read, questionHeardRate: share(this.heard), answeredRate: share(this.counts().answers) };
  }
}
