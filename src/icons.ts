/**
 * The extension's icons.
 */

import { LabIcon } from '@jupyterlab/ui-components';

import roadmapSvgStr from '../style/icons/roadmap.svg';

/**
 * The roadmap sidebar's icon: a route from a start point to a flag.
 */
export const roadmapIcon = new LabIcon({
  name: 'mlmath-lab:roadmap',
  svgstr: roadmapSvgStr
});
